"""jixiao: budget performance disclosures to one typed dataset."""

__version__ = "0.1.0"
