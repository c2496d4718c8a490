"""One format registry (schemas/formats.toml): sniffing, the pipeline,
--help and the README's input table all come from it."""
from __future__ import annotations

from pathlib import Path

import pytest
from jixiao.schemas import formats

from jixiao.cli import main
from jixiao.pipeline import NoExtractor, extractor_for
from jixiao.sniff import DOC_EXTENSIONS

ROOT = Path(__file__).resolve().parent.parent


def test_every_format_has_a_reader_and_its_extensions_are_known():
    for name, spec in formats().items():
        for ext in spec["extensions"]:
            assert DOC_EXTENSIONS[ext] == name
        if spec["reader"]:
            assert callable(extractor_for(name))
    with pytest.raises(NoExtractor):
        extractor_for("zip")  # taken apart before any reader


def test_readme_and_help_list_every_format(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not [e for s in formats().values() for e in s["extensions"] if f"`{e}`" not in readme]
    with pytest.raises(SystemExit):
        main(["convert", "--help"])
    shown = capsys.readouterr().out
    assert all(f"  {name} " in shown for name in formats())
