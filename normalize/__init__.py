"""The normalizer: grids in, canonical records (and findings) out.

Parsers here return values and notes; they never raise on bad cell text.
"""
