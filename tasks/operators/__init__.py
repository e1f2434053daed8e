"""The operator model in one place: the closed-form math (math), one fit path per pool (fitting), one predict path
(serving: score -> probability -> gate -> pick). `from tasks import operators as ops` gives the math's names."""
from tasks.operators.math import *  # noqa: F401,F403
from tasks.operators.math import LAM_GRID, MethodSpec, Operator, Stats, Eig  # noqa: F401
from tasks.operators.serving import (DEFAULT_MARGIN, best_single, calibrated, gate, probabilities, route,  # noqa: F401
                                     tune_margin)
