"""Looking codes up among keys, at the speed of the file."""

from __future__ import annotations

import numpy as np
import pandas as pd


def positions(values: pd.Series | pd.Index | np.ndarray, keys) -> np.ndarray:
    """Where each value sits among ``keys`` (-1 where it is not there), as int64.

    Arrow-backed text (a CSV file) is looked up by Arrow's hash kernel: pandas would first turn
    a million-row column into Python objects, which costs more than reading the file.  A
    categorical column is looked up once per category.
    """
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        found = positions(pd.Index(values.cat.categories.astype(str)), keys)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, found[codes], -1).astype(np.int64)
    array = getattr(getattr(values, "array", None), "_pa_array", None)
    if array is not None:
        import pyarrow as pa
        import pyarrow.compute as pc

        given = getattr(getattr(keys, "array", None), "_pa_array", None)  # Arrow text: as is
        key_set = pa.array([str(k) for k in keys], type=pa.string()) if given is None \
            else pc.cast(given.combine_chunks(), pa.string())
        found = pc.index_in(pc.cast(array, pa.string()), value_set=key_set)
        return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return pd.Index(keys).get_indexer(pd.Index(values))
