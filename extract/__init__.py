"""Extractors: one module per input format, each `read(path) -> Document`.

This package never imports jixiao.normalize: it only produces grids.
"""
