# The optimizers: adam's pass, adam and sgd bound to one fit.
# Part of _ckernels.pyx, which includes it: one compiled module.

# --------------------------------------------------------------------- adam
@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _adam_loop(const floating[::1] grad, floating[::1] m, floating[::1] v,
                     floating[::1] update, floating[::1] step_size, bint with_step,
                     double beta_1, double beta_2, double rate,
                     double epsilon) noexcept nogil:
    cdef floating b1 = <floating>beta_1, b2 = <floating>beta_2
    cdef floating c1 = <floating>(1.0 - beta_1), c2 = <floating>(1.0 - beta_2)
    cdef floating eps = <floating>epsilon, r = <floating>rate
    cdef floating g, mi, vi, den, s
    cdef Py_ssize_t i
    for i in range(grad.shape[0]):
        g = grad[i]
        mi = m[i] * b1 + g * c1
        vi = v[i] * b2 + (g * g) * c2
        m[i] = mi
        v[i] = vi
        den = _sqrt(vi) + eps
        if with_step:
            # The step size in the weights' type, and the update from it:
            # one division (see ``_kernels.adam``).
            s = r / den
            step_size[i] = s
            update[i] = mi * s
        else:
            # m * rate, then the division (scikit-learn's order), in the
            # weights' type: the rate rounded to it once.
            update[i] = (mi * r) / den


cdef int _check_adam(const floating[::1] grad, floating[::1] m, floating[::1] v,
                     floating[::1] update, floating[::1] step_size,
                     bint with_step) except -1:
    cdef Py_ssize_t n = grad.shape[0], size = n * sizeof(floating)
    cdef const char *starts[5]
    cdef Py_ssize_t sizes[5]
    _check_length("adam", "m", m.shape[0], n)
    _check_length("adam", "v", v.shape[0], n)
    _check_length("adam", "update", update.shape[0], n)
    _check_length("adam", "step_size", step_size.shape[0], n)
    if n == 0:
        return 0
    starts[:] = [<const char *>&grad[0], <const char *>&m[0], <const char *>&v[0],
                 <const char *>&update[0], <const char *>&step_size[0]]
    sizes[:] = [size, size, size, size, size]
    return _refuse_overlap("adam", starts, sizes, 5 if with_step else 4)


def adam(const floating[::1] grad, floating[::1] m, floating[::1] v,
         floating[::1] update, double beta_1, double beta_2, double rate,
         double epsilon):
    """m <- m b1 + g (1 - b1); v <- v b2 + g^2 (1 - b2);
    update <- (m rate) / (sqrt(v) + epsilon), in one pass."""
    _check_adam(grad, m, v, update, update, False)
    with nogil:
        _adam_loop(grad, m, v, update, update, False, beta_1, beta_2, rate, epsilon)


def adam_step_size(const floating[::1] grad, floating[::1] m, floating[::1] v,
                   floating[::1] update, floating[::1] step_size, double beta_1,
                   double beta_2, double rate, double epsilon):
    """As ``adam``, and step_size <- rate / (sqrt(v) + epsilon) in the same pass."""
    _check_adam(grad, m, v, update, step_size, True)
    with nogil:
        _adam_loop(grad, m, v, update, step_size, True, beta_1, beta_2, rate,
                   epsilon)


# ---------------------------------------------- adam bound to one fit
@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline floating _moments(floating g, floating *m, floating *v, Py_ssize_t i,
                              floating b1, floating b2, floating c1, floating c2,
                              floating eps) noexcept nogil:
    """Adam's moments of weight i from its gradient g (as ``_adam_loop``);
    returns the denominator sqrt(v) + epsilon."""
    cdef floating mi = m[i] * b1 + g * c1, vi = v[i] * b2 + (g * g) * c2
    m[i] = mi
    v[i] = vi
    return _sqrt(vi) + eps


@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _adam_pass(const floating *grad, floating *m, floating *v, floating *update,
                     floating *step_size, bint by_step, floating *params,
                     Py_ssize_t start, Py_ssize_t stop, bint with_decay, double decay,
                     double beta_1, double beta_2, double rate,
                     double epsilon) noexcept nogil:
    """Adam's pass over [start, stop), as ``_adam_loop``; with ``params``, the
    gradient first gets ``decay * params`` (``axpy``'s bits, when
    ``with_decay``) and the update is subtracted from params (as ``flat -=
    update``) instead of being written to ``update``.  With ``by_step`` the
    update is ``m * step size`` (the step size written when ``step_size`` is
    not NULL), as for a style that uses the step sizes.  One loop per case,
    with no branch inside: gcc vectorises them (a loop that tested the case
    per element ran 2-3x slower)."""
    cdef floating b1 = <floating>beta_1, b2 = <floating>beta_2
    cdef floating c1 = <floating>(1.0 - beta_1), c2 = <floating>(1.0 - beta_2)
    cdef floating eps = <floating>epsilon, d = <floating>decay, r = <floating>rate
    cdef floating g, den, s
    cdef Py_ssize_t i
    if params == NULL and by_step:  # update and step size written
        for i in range(start, stop):
            den = _moments(grad[i], m, v, i, b1, b2, c1, c2, eps)
            s = r / den
            step_size[i] = s
            update[i] = m[i] * s
    elif params == NULL:  # the update written
        for i in range(start, stop):
            den = _moments(grad[i], m, v, i, b1, b2, c1, c2, eps)
            update[i] = (m[i] * r) / den
    elif by_step and step_size != NULL:
        for i in range(start, stop):
            g = grad[i] + params[i] * d if with_decay else grad[i]
            den = _moments(g, m, v, i, b1, b2, c1, c2, eps)
            s = r / den
            step_size[i] = s
            params[i] = params[i] - m[i] * s
    elif by_step:  # the step sizes used, not written
        for i in range(start, stop):
            g = grad[i] + params[i] * d if with_decay else grad[i]
            den = _moments(g, m, v, i, b1, b2, c1, c2, eps)
            params[i] = params[i] - m[i] * (r / den)
    elif with_decay:
        for i in range(start, stop):
            g = grad[i] + params[i] * d
            den = _moments(g, m, v, i, b1, b2, c1, c2, eps)
            params[i] = params[i] - (m[i] * r) / den
    else:
        for i in range(start, stop):
            den = _moments(grad[i], m, v, i, b1, b2, c1, c2, eps)
            params[i] = params[i] - (m[i] * r) / den


cdef char *_data_of(object a, bint single, Py_ssize_t n, str what) except NULL:
    """The data of ``a`` (checked: the fit's dtype, C-contiguous, 1-d, n long)."""
    cdef float[::1] a32
    cdef double[::1] a64
    if single:
        a32 = a
        _check_length("BoundAdam", what, a32.shape[0], n)
        return <char *>&a32[0]
    a64 = a
    _check_length("BoundAdam", what, a64.shape[0], n)
    return <char *>&a64[0]


cdef Py_ssize_t _bound_length(str name, grad, Py_ssize_t n_decay,
                              bint decay_without_params) except -1:
    """The length of a bound step's arrays, checked: not empty, and a decay
    (on its first ``n_decay`` weights) only with the weights to decay."""
    cdef Py_ssize_t n = grad.shape[0]
    if n == 0:
        raise ValueError(f"{name}: the arrays are empty")
    if not 0 <= n_decay <= n or decay_without_params:
        raise ValueError(f"{name}: a decay needs params, on at most n of them")
    return n


cdef int _check_square_norm(str name, bint square_norm, bint with_decay) except -1:
    """The sum of squares is taken over the decayed weights: it needs a decay."""
    if square_norm and not with_decay:
        raise ValueError(f"{name}: square_norm sums the decayed weights; bind "
                         "with a decay, or with square_norm=False")
    return 0


cdef class BoundAdam:
    """Adam's step of one fit, its arrays and constants bound once.

    ``grad``, ``m``, ``v`` and ``update`` (and ``step_size``, ``params`` when
    given) are checked once (one dtype, C-contiguous, 1-d, equal lengths, no
    two sharing memory) and held; ``step(rate)`` then runs one pass that
    computes bit for bit what ``_kernels.adam`` computes.  With ``params``
    the pass also does the two operations around it when the training step
    has nothing else there: first ``grad[:n_decay] += decay * params[:n_decay]``
    (when ``with_decay``: the L2 gradient of the penalized weights, as
    ``axpy``) and last ``params -= update`` (``update`` is then not written).
    With an ``after_step`` (a style's ``BoundL1Step`` on ``params[:k]``,
    the penalized prefix) each of those k weights gets it right after its
    update, in the same pass: adam's step sizes are computed there and not
    written (``step_size`` must be None), and ``step`` returns the new
    ``sum |params[:k]|`` when the after-step computes it.  With
    ``square_norm`` (and a decay), ``step`` returns the sum of
    ``params[:n_decay]**2`` before the step instead, in numpy's pairwise
    order: the L2 penalty of the weights the step starts from, summed in the
    same pass.
    """

    cdef object arrays  # holds the arrays: the pointers below stay valid
    cdef char *grad
    cdef char *m
    cdef char *v
    cdef char *update
    cdef char *step_size
    cdef char *params
    cdef bint single, with_decay, with_square_norm
    cdef Py_ssize_t n, n_decay
    cdef double decay, beta_1, beta_2, epsilon
    cdef _After after

    def __init__(self, grad, m, v, update, step_size, params, Py_ssize_t n_decay,
                 bint with_decay, double decay, double beta_1, double beta_2,
                 double epsilon, BoundL1Step after_step=None,
                 bint square_norm=False):
        cdef const char *starts[8]
        cdef Py_ssize_t sizes[8]
        cdef int count = 4, k
        self.single = grad.dtype.itemsize == 4
        self.n = _bound_length("BoundAdam", grad, n_decay, with_decay and params is None)
        self.arrays = (grad, m, v, update, step_size, params, after_step)
        self.grad = _data_of(grad, self.single, self.n, "grad")
        self.m = _data_of(m, self.single, self.n, "m")
        self.v = _data_of(v, self.single, self.n, "v")
        self.update = _data_of(update, self.single, self.n, "update")
        starts[:4] = [self.grad, self.m, self.v, self.update]
        for extra, what in ((step_size, "step_size"), (params, "params")):
            if extra is not None:
                starts[count] = _data_of(extra, self.single, self.n, what)
                count += 1
        self.step_size = <char *>starts[4] if step_size is not None else NULL
        self.params = <char *>starts[count - 1] if params is not None else NULL
        for k in range(count):
            sizes[k] = self.n * (4 if self.single else 8)
        _bind_after(&self.after, after_step, "BoundAdam", self.single, self.params,
                    self.n, starts, sizes, &count)
        _check_after_fits(&self.after, "BoundAdam", step_size is not None,
                          with_decay, n_decay)
        _check_square_norm("BoundAdam", square_norm, with_decay)
        _refuse_overlap("BoundAdam", starts, sizes, count)
        self.n_decay, self.with_decay, self.decay = n_decay, with_decay, decay
        self.with_square_norm = square_norm
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def step(self, double rate):
        """One step at the bias-corrected rate ``rate``; the after-step's
        new ``sum |w|`` when it computes one, the decayed weights' sum of
        squares before the step with ``square_norm``, else None."""
        cdef double norm
        if self.single:
            with nogil:
                norm = _bound_adam_pass(self, rate, <float>0)
        else:
            with nogil:
                norm = _bound_adam_pass(self, rate, <double>0)
        return norm if self.after.with_norm or self.with_square_norm else None


cdef floating _bound_adam_pass(BoundAdam bound, double rate,
                               floating kind) noexcept nogil:
    """The bound pass in ``kind``'s type: the decayed part (or the part with
    the after-step), then the rest; the after-step's sum |w| (else 0)."""
    cdef Py_ssize_t cut = bound.n_decay if bound.with_decay else 0
    cdef floating *grad = <floating *>bound.grad
    cdef floating *m = <floating *>bound.m
    cdef floating *v = <floating *>bound.v
    cdef floating *update = <floating *>bound.update
    cdef floating *step_size = <floating *>bound.step_size
    cdef floating *params = <floating *>bound.params
    cdef floating norm = 0
    cdef _Step s
    # A style with step sizes: every weight moves by m * its step size.
    cdef bint by_step = step_size != NULL or bound.after.kind != _AFTER_NONE
    if bound.after.kind != _AFTER_NONE:
        s.adam, s.rate, s.grad, s.m, s.v = True, rate, bound.grad, bound.m, bound.v
        s.beta_1, s.beta_2, s.epsilon = bound.beta_1, bound.beta_2, bound.epsilon
        norm = _after_pass(&s, &bound.after, params)
        cut = bound.after.n
    elif cut and bound.with_square_norm:
        s.adam, s.rate, s.grad, s.m, s.v = True, rate, bound.grad, bound.m, bound.v
        s.update = bound.update
        s.beta_1, s.beta_2, s.epsilon = bound.beta_1, bound.beta_2, bound.epsilon
        norm = _decayed_square_sum(&s, bound.decay, step_size, by_step, params, 0,
                                   cut)
    elif cut:
        _adam_pass(grad, m, v, update, step_size, by_step, params, 0, cut, True,
                   bound.decay, bound.beta_1, bound.beta_2, rate, bound.epsilon)
    _adam_pass(grad, m, v, update, step_size, by_step, params, cut, bound.n, False,
               0.0, bound.beta_1, bound.beta_2, rate, bound.epsilon)
    return norm


# ----------------------------------------------- sgd bound to one fit
cdef enum:
    _PLAIN = 0  # no momentum
    _HEAVY_BALL = 1
    _NESTEROV = 2


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline floating _sgd_update(floating g, floating *velocity, Py_ssize_t i,
                                 floating lr, floating mom, floating neg_mom,
                                 int kind) noexcept nogil:
    """The update sgd subtracts for weight i, as ``SGD.direction``'s numpy
    calls: ``u = g * lr``; with momentum ``velocity = velocity * mom - u``,
    then ``-velocity`` (heavy ball) or ``velocity * -mom + g * lr``."""
    cdef floating u = g * lr, vi
    if kind == _PLAIN:
        return u
    vi = velocity[i] * mom - u
    velocity[i] = vi
    if kind == _HEAVY_BALL:
        return -vi
    return vi * neg_mom + u


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline void _sgd_loops(const floating *grad, floating *velocity, floating *update,
                            const floating *weights, floating *params,
                            Py_ssize_t start, Py_ssize_t stop, bint with_decay,
                            floating d, floating lr, floating mom, floating neg_mom,
                            int kind) noexcept nogil:
    """sgd over [start, stop) for one ``kind`` (a constant where inlined, so
    each loop has no branch inside): the gradient first given ``d * weights``
    (``axpy``'s bits, when ``with_decay``), then the update written, or with
    ``params`` subtracted from them (``flat -= update``) instead."""
    cdef Py_ssize_t i
    if params == NULL and with_decay:
        for i in range(start, stop):
            update[i] = _sgd_update(grad[i] + weights[i] * d, velocity, i, lr, mom,
                                    neg_mom, kind)
    elif params == NULL:
        for i in range(start, stop):
            update[i] = _sgd_update(grad[i], velocity, i, lr, mom, neg_mom, kind)
    elif with_decay:
        for i in range(start, stop):
            params[i] = params[i] - _sgd_update(grad[i] + params[i] * d, velocity, i,
                                                lr, mom, neg_mom, kind)
    else:
        for i in range(start, stop):
            params[i] = params[i] - _sgd_update(grad[i], velocity, i, lr, mom,
                                                neg_mom, kind)


@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _sgd_pass(const floating *grad, floating *velocity, floating *update,
                    floating *params, Py_ssize_t start, Py_ssize_t stop,
                    bint with_decay, double decay, double rate, double momentum,
                    bint nesterov) noexcept nogil:
    """One sgd pass over [start, stop); the scalars rounded once to the type."""
    cdef floating d = <floating>decay, lr = <floating>rate
    cdef floating mom = <floating>momentum, neg_mom = <floating>(-momentum)
    cdef Py_ssize_t i
    if velocity == NULL:
        _sgd_loops(grad, velocity, update, params, params, start, stop, with_decay, d,
                   lr, mom, neg_mom, _PLAIN)
    elif nesterov:
        _sgd_loops(grad, velocity, update, params, params, start, stop, with_decay, d,
                   lr, mom, neg_mom, _NESTEROV)
    else:
        # The compiler folds ``w - (-v)`` into ``w + v``, which gives a NaN
        # velocity's sign to w where numpy gives it flipped: the update
        # (-v) goes through memory, then a second loop subtracts it.
        _sgd_loops(grad, velocity, update, params, NULL, start, stop, with_decay, d,
                   lr, mom, neg_mom, _HEAVY_BALL)
        if params != NULL:
            for i in range(start, stop):
                params[i] = params[i] - update[i]


cdef class BoundSGD:
    """sgd's step of one fit, its arrays and constants bound once.

    ``grad`` and ``update`` (and ``velocity``, ``params`` when given) are
    checked once (one dtype, C-contiguous, 1-d, equal lengths, no two
    sharing memory) and held; ``step(rate)`` then computes bit for bit what
    ``SGD.direction`` computes at that rate: no momentum without
    ``velocity``, else heavy-ball or (``nesterov``) Nesterov momentum.  With
    ``params`` the pass also does the two operations around it, as
    ``BoundAdam``: first ``grad[:n_decay] += decay * params[:n_decay]``
    (when ``with_decay``; ``grad`` itself is left as it is) and last
    ``params -= update`` (``update`` is then not written, but with
    heavy-ball momentum, which holds it there between two loops).  With an
    ``after_step``, as ``BoundAdam``: ``step(rate, step_size)`` gives it the
    scalar step size and returns its new ``sum |w|`` (or None).  With
    ``square_norm``, as ``BoundAdam``: ``step`` returns the decayed weights'
    sum of squares before the step.
    """

    cdef object arrays  # holds the arrays: the pointers below stay valid
    cdef char *grad
    cdef char *velocity
    cdef char *update
    cdef char *params
    cdef bint single, with_decay, nesterov, with_square_norm
    cdef Py_ssize_t n, n_decay
    cdef double decay, momentum
    cdef _After after

    def __init__(self, grad, velocity, update, params, Py_ssize_t n_decay,
                 bint with_decay, double decay, double momentum, bint nesterov,
                 BoundL1Step after_step=None, bint square_norm=False):
        cdef const char *starts[6]
        cdef Py_ssize_t sizes[6]
        cdef int count = 0, k
        self.single = grad.dtype.itemsize == 4
        self.n = _bound_length("BoundSGD", grad, n_decay, with_decay and params is None)
        self.arrays = (grad, velocity, update, params, after_step)
        pointers = []
        for a, what in ((grad, "grad"), (velocity, "velocity"), (update, "update"),
                        (params, "params")):
            if a is None:
                pointers.append(None)
                continue
            _check_length("BoundSGD", what, len(a), self.n)
            starts[count] = _data_of(a, self.single, self.n, what)
            pointers.append(count)
            count += 1
        self.grad = <char *>starts[0]
        self.update = <char *>starts[pointers[2]]
        self.velocity = <char *>starts[pointers[1]] if velocity is not None else NULL
        self.params = <char *>starts[pointers[3]] if params is not None else NULL
        for k in range(count):
            sizes[k] = self.n * (4 if self.single else 8)
        _bind_after(&self.after, after_step, "BoundSGD", self.single, self.params,
                    self.n, starts, sizes, &count)
        _check_after_fits(&self.after, "BoundSGD", False, with_decay, n_decay)
        _check_square_norm("BoundSGD", square_norm, with_decay)
        _refuse_overlap("BoundSGD", starts, sizes, count)
        self.n_decay, self.with_decay, self.decay = n_decay, with_decay, decay
        self.with_square_norm = square_norm
        self.momentum, self.nesterov = momentum, nesterov

    def step(self, double rate, double step_size=0.0):
        """One step at the learning rate ``rate`` (the after-step's step size
        ``step_size``); the after-step's new ``sum |w|`` when it computes
        one, the decayed weights' sum of squares before the step with
        ``square_norm``, else None."""
        cdef double norm
        with nogil:
            if self.after.kind != _AFTER_NONE:
                _sgd_after_scalars(&self.after, step_size)
            if self.single:
                norm = _bound_sgd_pass(self, rate, <float>0)
            else:
                norm = _bound_sgd_pass(self, rate, <double>0)
        return norm if self.after.with_norm or self.with_square_norm else None


cdef floating _bound_sgd_pass(BoundSGD bound, double rate,
                              floating kind) noexcept nogil:
    """The bound pass in ``kind``'s type: the decayed part (or the part with
    the after-step), then the rest; the after-step's sum |w| (else 0)."""
    cdef Py_ssize_t cut = bound.n_decay if bound.with_decay else 0
    cdef floating *grad = <floating *>bound.grad
    cdef floating *velocity = <floating *>bound.velocity
    cdef floating *update = <floating *>bound.update
    cdef floating *params = <floating *>bound.params
    cdef floating norm = 0
    cdef _Step s
    if bound.after.kind != _AFTER_NONE:
        s.adam, s.nesterov, s.rate = False, bound.nesterov, rate
        s.grad, s.m, s.update = bound.grad, bound.velocity, bound.update
        s.momentum = bound.momentum
        norm = _after_pass(&s, &bound.after, params)
        cut = bound.after.n
    elif cut and bound.with_square_norm:
        s.adam, s.nesterov, s.rate = False, bound.nesterov, rate
        s.grad, s.m, s.update = bound.grad, bound.velocity, bound.update
        s.momentum = bound.momentum
        norm = _decayed_square_sum(&s, bound.decay, NULL, False, params, 0, cut)
    elif cut:
        _sgd_pass(grad, velocity, update, params, 0, cut, True, bound.decay, rate,
                  bound.momentum, bound.nesterov)
    _sgd_pass(grad, velocity, update, params, cut, bound.n, False, 0.0, rate,
              bound.momentum, bound.nesterov)
    return norm
