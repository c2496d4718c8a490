"""The PP-OCR recognisers jixiao ships (extract/models/, built by
tools/build_rec_model.py from the rapidocr wheel's): the exact rewrites, and
the fused model shipped for short lines, compute what the wheel's model
computes, and both models decode with the wheel's characters. (How well they
read is tested against gold in test_ocr.py.)"""
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, need

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))


def needs_rapidocr_and_onnx() -> None:
    import importlib.util

    for module, what in (("rapidocr_onnxruntime", "rapidocr-onnxruntime"), ("onnx", "onnx")):
        spec = importlib.util.find_spec(module)
        need(spec and spec.origin, what, "JIXIAO_REQUIRE_OCR", "it: make setup (onnx: a dev dependency)")


@pytest.fixture(scope="module")
def scan_lines():
    """The text lines of the scan sample's pages, as the recogniser is given them."""
    needs_rapidocr_and_onnx()  # tools/build_rec_model.py imports onnx
    from build_rec_model import lines_read

    seen = lines_read(SAMPLES / "scan_beijing_n1_s101_000.pdf")
    assert len(seen) > 100
    return seen


def _session(model):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads, opts.log_severity_level = 1, 3
    return ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])


def _inputs(lines):
    from build_rec_model import model_input

    return [model_input(im) for im in lines]


def test_the_fused_model_computes_what_the_wheels_computes(scan_lines):
    """Step 1 of the build (affines folded into the convolutions, hardswish
    one operator) changes how, not what: every line's character
    probabilities as the wheel's model gives them, to float rounding; so
    does the fused model shipped (EXACT, which reads the short lines)."""
    import onnx
    from build_rec_model import fused
    from jixiao.extract.ocr_rapid import EXACT, wheel_model

    source = onnx.load(wheel_model())
    ours = fused(source)
    kinds = [n.op_type for n in ours.graph.node]
    assert kinds.count("HardSwish") == 28 and "Clip" not in kinds  # the rewrites took
    wheel = _session(str(wheel_model()))
    for rebuilt in (_session(ours.SerializeToString()), _session(str(EXACT))):
        for x in _inputs(scan_lines[::3]):
            a, b = wheel.run(None, {"x": x})[0], rebuilt.run(None, {"x": x})[0]
            assert np.abs(a - b).max() < 1e-4
            assert (a.argmax(-1) == b.argmax(-1)).all()


@pytest.mark.parametrize("which", ["MODEL", "EXACT"])
def test_the_shipped_models_decode_with_the_wheels_characters(scan_lines, which):
    from jixiao.extract import ocr_rapid

    model = getattr(ocr_rapid, which)
    assert model.is_file()
    shipped, wheel = _session(str(model)), _session(str(ocr_rapid.wheel_model()))
    characters = shipped.get_modelmeta().custom_metadata_map["character"]
    assert characters == wheel.get_modelmeta().custom_metadata_map["character"]
    # and its output is a distribution over them (plus CTC's blank and a space)
    out = shipped.run(None, {"x": _inputs(scan_lines[:1])[0]})[0]
    assert out.shape[-1] == len(characters.splitlines()) + 2
    assert np.allclose(out.sum(-1), 1, atol=1e-3)
