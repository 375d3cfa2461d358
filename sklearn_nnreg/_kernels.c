/*
 * Optional fused loops for the float64 hot path of sklearn_nnreg.
 *
 * Each function does in one pass what the numpy reference code in
 * _kernels.py does in several, with the same operations in the same order on
 * the same IEEE doubles, so that results are bitwise equal to the numpy path.
 * That requires no contraction of a * b + c into a fused multiply-add: the
 * build passes -ffp-contract=off.  -fno-math-errno lets sqrt vectorise.
 *
 * Arguments are C-contiguous buffers of doubles (numpy arrays); the Python
 * wrappers in _kernels.py check dtypes and shapes before calling.  The GIL is
 * released while a loop runs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

/* On x86-64 with GCC, the loops bound by square roots and divisions are also
 * compiled for AVX2 and AVX-512 and the widest one the CPU has is picked at
 * load time: 4 or 8 doubles per instruction instead of SSE2's 2.  Results are
 * the same, since each operation is correctly rounded whatever the width. */
#if defined(_MSC_VER) && !defined(__clang__)
#define restrict __restrict
#endif

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define WIDE_SIMD __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define WIDE_SIMD
#endif

static int
get_doubles(Py_buffer *view, Py_ssize_t *n)
{
    if (view->len % (Py_ssize_t)sizeof(double) != 0) {
        PyErr_SetString(PyExc_ValueError, "buffer is not a whole number of doubles");
        return -1;
    }
    *n = view->len / (Py_ssize_t)sizeof(double);
    return 0;
}

static void
release(Py_buffer *views, int count)
{
    for (int i = 0; i < count; i++) {
        PyBuffer_Release(&views[i]);
    }
}

/* Parse (z, b): a writable buffer of doubles and a read-only one whose length
 * divides z's (rows of z, each as long as b) or, with same_length, equals it.
 * On success the caller owns both views and releases them. */
static int
parse_pair(PyObject *args, const char *name, int same_length, Py_buffer *b,
           Py_ssize_t *n, Py_ssize_t *k)
{
    if (!PyArg_ParseTuple(args, "w*y*", &b[0], &b[1])) {
        return -1;
    }
    if (get_doubles(&b[0], n) || get_doubles(&b[1], k)) {
        release(b, 2);
        return -1;
    }
    if (same_length ? (*k != *n) : (*k == 0 || *n % *k != 0)) {
        release(b, 2);
        PyErr_Format(PyExc_ValueError, "%s: %s", name,
                     same_length ? "arrays differ in length" : "shapes do not match");
        return -1;
    }
    return 0;
}

WIDE_SIMD static void
adam_loop(Py_ssize_t n, const double *restrict g, double *restrict m,
          double *restrict v, double *restrict d, double beta_1, double beta_2,
          double rate, double epsilon)
{
    const double c1 = 1.0 - beta_1, c2 = 1.0 - beta_2;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double gi = g[i];
        const double mi = m[i] * beta_1 + gi * c1;
        const double vi = v[i] * beta_2 + (gi * gi) * c2;
        m[i] = mi;
        v[i] = vi;
        d[i] = (mi * rate) / (sqrt(vi) + epsilon);
    }
}

/* adam(grad, m, v, delta, beta_1, beta_2, rate, epsilon)
 *
 *   m     <- m * beta_1 + grad * (1 - beta_1)
 *   v     <- v * beta_2 + (grad * grad) * (1 - beta_2)
 *   delta <- (m * rate) / (sqrt(v) + epsilon)
 */
static PyObject *
adam(PyObject *self, PyObject *args)
{
    Py_buffer b[4];
    double beta_1, beta_2, rate, epsilon;
    Py_ssize_t n, n_m, n_v, n_d;

    if (!PyArg_ParseTuple(args, "y*w*w*w*dddd", &b[0], &b[1], &b[2], &b[3],
                          &beta_1, &beta_2, &rate, &epsilon)) {
        return NULL;
    }
    if (get_doubles(&b[0], &n) || get_doubles(&b[1], &n_m) ||
        get_doubles(&b[2], &n_v) || get_doubles(&b[3], &n_d)) {
        release(b, 4);
        return NULL;
    }
    if (n_m != n || n_v != n || n_d != n) {
        release(b, 4);
        PyErr_SetString(PyExc_ValueError, "adam: arrays differ in length");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    adam_loop(n, (const double *)b[0].buf, (double *)b[1].buf,
              (double *)b[2].buf, (double *)b[3].buf, beta_1, beta_2, rate,
              epsilon);
    Py_END_ALLOW_THREADS

    release(b, 4);
    Py_RETURN_NONE;
}

WIDE_SIMD static void
bias_relu_loop(Py_ssize_t rows, Py_ssize_t k, double *restrict z,
               const double *restrict bias)
{
    for (Py_ssize_t r = 0; r < rows; r++) {
        double *row = z + r * k;
        for (Py_ssize_t j = 0; j < k; j++) {
            const double x = row[j] + bias[j];
            /* x < 0 is false for NaN, so NaN passes through as in np.maximum */
            row[j] = x < 0.0 ? 0.0 : x;
        }
    }
}

WIDE_SIMD static void
bias_add_loop(Py_ssize_t rows, Py_ssize_t k, double *restrict z,
              const double *restrict bias)
{
    for (Py_ssize_t r = 0; r < rows; r++) {
        double *row = z + r * k;
        for (Py_ssize_t j = 0; j < k; j++) {
            row[j] = row[j] + bias[j];
        }
    }
}

/* bias_relu(z, b): z[i, j] <- max(z[i, j] + b[j], 0), NaN kept.
 * bias_add(z, b):  z[i, j] <- z[i, j] + b[j]. */
static PyObject *
bias_op(PyObject *args, const char *name, int relu)
{
    Py_buffer b[2];
    Py_ssize_t n, k;

    if (parse_pair(args, name, 0, b, &n, &k)) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (relu) {
        bias_relu_loop(n / k, k, (double *)b[0].buf, (const double *)b[1].buf);
    }
    else {
        bias_add_loop(n / k, k, (double *)b[0].buf, (const double *)b[1].buf);
    }
    Py_END_ALLOW_THREADS
    release(b, 2);
    Py_RETURN_NONE;
}

static PyObject *
bias_relu(PyObject *self, PyObject *args)
{
    return bias_op(args, "bias_relu", 1);
}

static PyObject *
bias_add(PyObject *self, PyObject *args)
{
    return bias_op(args, "bias_add", 0);
}

WIDE_SIMD static void
relu_backward_loop(Py_ssize_t n, double *restrict delta, const double *restrict a)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        /* The product, not a plain 0, so that inf and NaN become NaN as in
         * numpy's delta * False. */
        const double keep = a[i] != 0.0 ? 1.0 : 0.0;
        delta[i] = delta[i] * keep;
    }
}

/* relu_backward(delta, a): delta <- delta * (a != 0), elementwise. */
static PyObject *
relu_backward(PyObject *self, PyObject *args)
{
    Py_buffer b[2];
    Py_ssize_t n, k;

    if (parse_pair(args, "relu_backward", 1, b, &n, &k)) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    relu_backward_loop(n, (double *)b[0].buf, (const double *)b[1].buf);
    Py_END_ALLOW_THREADS
    release(b, 2);
    Py_RETURN_NONE;
}

WIDE_SIMD static void
column_sums_loop(Py_ssize_t rows, Py_ssize_t k, const double *restrict d,
                 double *restrict out)
{
    /* Row after row, as numpy's add.reduce(d, axis=0) adds them. */
    for (Py_ssize_t j = 0; j < k; j++) {
        out[j] = d[j];
    }
    for (Py_ssize_t r = 1; r < rows; r++) {
        const double *row = d + r * k;
        for (Py_ssize_t j = 0; j < k; j++) {
            out[j] = out[j] + row[j];
        }
    }
}

/* column_sums(out, d): out[j] <- sum_i d[i, j], rows added in order. */
static PyObject *
column_sums(PyObject *self, PyObject *args)
{
    Py_buffer b[2];
    Py_ssize_t k, n;

    if (!PyArg_ParseTuple(args, "w*y*", &b[0], &b[1])) {
        return NULL;
    }
    if (get_doubles(&b[0], &k) || get_doubles(&b[1], &n)) {
        release(b, 2);
        return NULL;
    }
    if (k == 0 || n == 0 || n % k != 0) {
        release(b, 2);
        PyErr_SetString(PyExc_ValueError, "column_sums: shapes do not match");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    column_sums_loop(n / k, k, (const double *)b[1].buf, (double *)b[0].buf);
    Py_END_ALLOW_THREADS
    release(b, 2);
    Py_RETURN_NONE;
}

WIDE_SIMD static void
axpy_loop(Py_ssize_t n, double *restrict y, double alpha, const double *restrict x)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        y[i] = y[i] + alpha * x[i];
    }
}

/* axpy(y, alpha, x): y <- y + alpha * x */
static PyObject *
axpy(PyObject *self, PyObject *args)
{
    Py_buffer b[2];
    double alpha;
    Py_ssize_t n, n_x;

    if (!PyArg_ParseTuple(args, "w*dy*", &b[0], &alpha, &b[1])) {
        return NULL;
    }
    if (get_doubles(&b[0], &n) || get_doubles(&b[1], &n_x)) {
        release(b, 2);
        return NULL;
    }
    if (n_x != n) {
        release(b, 2);
        PyErr_SetString(PyExc_ValueError, "axpy: arrays differ in length");
        return NULL;
    }

    Py_BEGIN_ALLOW_THREADS
    axpy_loop(n, (double *)b[0].buf, alpha, (const double *)b[1].buf);
    Py_END_ALLOW_THREADS

    release(b, 2);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"adam", adam, METH_VARARGS, "Fused Adam moment update and step."},
    {"bias_relu", bias_relu, METH_VARARGS, "z <- max(z + b, 0), in place."},
    {"bias_add", bias_add, METH_VARARGS, "z <- z + b (b along rows), in place."},
    {"relu_backward", relu_backward, METH_VARARGS, "delta <- delta * (a != 0)."},
    {"axpy", axpy, METH_VARARGS, "y <- y + alpha * x, in place."},
    {"column_sums", column_sums, METH_VARARGS, "out <- d.sum(axis=0), rows in order."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_ckernels",
    "Fused float64 loops for sklearn_nnreg (optional; see _kernels.py).", -1,
    methods,
};

PyMODINIT_FUNC
PyInit__ckernels(void)
{
    return PyModule_Create(&module);
}
