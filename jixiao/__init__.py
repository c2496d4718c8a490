"""jixiao: budget performance disclosures to one typed dataset.

The Python API (jixiao/api.py): `convert(paths, out=None)`, `read(out)` and
`read_file(path)`, each returning the five tables as pandas DataFrames."""

__version__ = "0.1.0"

__all__ = ["Result", "__version__", "convert", "read", "read_file"]


def __getattr__(name: str) -> object:
    # the API is imported on first use, so `jixiao --help` pays nothing for pandas
    if name in ("convert", "read", "read_file", "Result"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
