"""Unpickling pandas DataFrames without running code: only the reconstruction callables a DataFrame needs."""
from __future__ import annotations

import io
import pickle

from tasks.sources.base import InputError

# (module, name) pairs a pickled DataFrame may reference, old pandas/numpy module paths included. Everything
# else (os.system, builtins.eval, getattr, subprocess.Popen, a dotted attribute path, ...) is refused.
_PANDAS = ("DataFrame", "Series", "Index", "RangeIndex", "MultiIndex", "DatetimeIndex", "TimedeltaIndex",
           "CategoricalIndex", "Categorical", "CategoricalDtype", "DatetimeTZDtype", "StringDtype", "BooleanDtype",
           "Int8Dtype", "Int16Dtype", "Int32Dtype", "Int64Dtype", "UInt8Dtype", "UInt16Dtype", "UInt32Dtype",
           "UInt64Dtype", "Float32Dtype", "Float64Dtype", "NA", "NaT", "Timestamp", "Timedelta")
_ARRAYS = ("StringArray", "ArrowStringArray", "IntegerArray", "BooleanArray", "FloatingArray", "DatetimeArray",
           "TimedeltaArray", "Categorical")
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    [("pandas", n) for n in _PANDAS] + [("pandas.arrays", n) for n in _ARRAYS]
    + [("pandas.core.frame", "DataFrame"), ("pandas.core.series", "Series"),
       ("pandas.core.indexes.base", "Index"), ("pandas.core.indexes.base", "_new_Index"),
       ("pandas.core.indexes.range", "RangeIndex"), ("pandas.core.indexes.multi", "MultiIndex"),
       ("pandas.core.indexes.datetimes", "DatetimeIndex"), ("pandas.core.indexes.datetimes", "_new_DatetimeIndex"),
       ("pandas.core.indexes.category", "CategoricalIndex"),
       ("pandas.core.internals.managers", "BlockManager"), ("pandas.core.internals.managers", "SingleBlockManager"),
       ("pandas._libs.internals", "_unpickle_block"), ("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked"),
       ("pandas.core.arrays.categorical", "Categorical"), ("pandas.core.dtypes.dtypes", "CategoricalDtype"),
       ("pandas.core.dtypes.dtypes", "DatetimeTZDtype"), ("pandas.core.arrays.string_", "StringDtype"),
       ("pandas.core.arrays.datetimes", "DatetimeArray"), ("pandas.core.arrays.timedeltas", "TimedeltaArray"),
       ("pandas._libs.tslibs.timestamps", "_unpickle_timestamp"),
       ("pandas._libs.tslibs.timedeltas", "_timedelta_unpickle"), ("pandas._libs.tslibs.nattype", "_nat_unpickle"),
       ("numpy", "dtype"), ("numpy", "ndarray"),
       ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
       ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
       ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
       ("pyarrow.lib", "_restore_array"), ("pyarrow.lib", "py_buffer"), ("pyarrow.lib", "type_for_alias"),
       ("builtins", "slice"), ("builtins", "bytearray"), ("_codecs", "encode"), ("datetime", "datetime"),
       ("datetime", "date"), ("datetime", "timedelta"), ("datetime", "timezone")])


class RefusedPickle(pickle.UnpicklingError):
    """A pickle that references something outside the allow-list."""


def _bytearray(*args):
    """bytearray of given bytes only: bytearray(10**12) from a 20-byte pickle is refused, not allocated."""
    if args and not isinstance(args[0], (bytes, bytearray, str)):
        raise RefusedPickle(f"it calls bytearray({type(args[0]).__name__}), which a DataFrame does not need")
    return bytearray(*args)


def _unpickler_base():
    from pandas.compat.pickle_compat import Unpickler  # maps old pandas class locations to current ones
    return Unpickler


def _checked(module: str, name: str) -> tuple[str, str]:
    """(module, name) when what it resolves to, after pandas' and Python 2's renames, is allowed."""
    import _compat_pickle
    from pandas.compat.pickle_compat import _class_locations_map

    key = _class_locations_map.get((module, name), (module, name))
    key = _compat_pickle.NAME_MAPPING.get(key, (_compat_pickle.IMPORT_MAPPING.get(key[0], key[0]), key[1]))
    if key not in ALLOWED and (module, name) not in ALLOWED:
        raise RefusedPickle(f"it references {module}.{name}, which a DataFrame does not need "
                            f"(refused: pickles may only rebuild pandas/numpy data)")
    return module, name


def load_dataframe(blob: bytes, uri: str):
    """The pandas DataFrame pickled in BLOB, rebuilt with the allow-list only; InputError naming URI otherwise."""
    import pandas as pd

    base = _unpickler_base()

    class _AllowList(base):
        def find_class(self, module, name):
            found = super().find_class(*_checked(module, name))
            return _bytearray if found is bytearray else found

    try:
        obj = _AllowList(io.BytesIO(blob)).load()
    except RefusedPickle as exc:
        raise InputError(f"{uri}: unsafe pickle not loaded: {exc}") from None
    except Exception as exc:  # truncated or corrupt pickles raise many types
        raise InputError(f"{uri}: not a readable pandas pickle ({type(exc).__name__}: {exc})") from None
    if not isinstance(obj, pd.DataFrame):
        raise InputError(f"{uri}: the pickle holds a {type(obj).__name__}, expected a pandas DataFrame")
    _validate_arrow(obj, uri)
    return obj


def _validate_arrow(df, uri: str) -> None:
    """Full validation of Arrow-backed columns, so that crafted buffers fail here rather than crash later."""
    for name in df.columns:
        arr = getattr(df[name].array, "_pa_array", None)
        if arr is not None:
            try:
                arr.validate(full=True)
            except Exception as exc:
                raise InputError(f"{uri}: column {name!r} of the pickle is corrupt ({exc})") from None
