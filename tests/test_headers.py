"""Header matching: printed variants, unseen synonyms and refusals."""
import pytest
from jixiao.normalize.form import FormReader, Row
from jixiao.normalize.headers import ACCEPT, match
from jixiao.normalize.records import Form

SEEN = [("年度指标值", "target"), ("年度指标值(A)", "target"), ("指标值", "target"),
        ("全年实际值(B)", "actual"), ("实际完成值", "actual"), ("* 实际完成值", "actual"),
        ("分值", "weight"), ("* 权重", "weight"), ("得分", "score"),
        ("偏差原因分析及改进\n措施", "deviation"), ("度量单位", "measure_unit"),
        ("一级指标", "level1"), ("二 级 指 标", "level2"), ("三级指标", "name"), ("绩效指标 (50分)", "category")]

# Variants that appear in none of the seeds.
UNSEEN = [("预期目标值", "target"), ("实际完成数", "actual"), ("权重分", "weight"), ("评价得分", "score"),
          ("偏差原因及改进措施", "deviation"), ("考核指标值", "target"), ("指标权重", "weight"),
          ("未完成原因分析", "deviation"), ("实际完成指标", "actual")]

# Variants that matched wrongly or too weakly (指标单位 was a target at 90, 支出率
# an executed amount at 65, 计划值 a target at only 70): now the vocabulary's.
WEAK = [("指标单位", "measure_unit"), ("计划值", "target"), ("年度计划值", "target"), ("预期值", "target"),
        ("年初设定值", "target"), ("实现值", "actual"), ("实际完成", "actual"), ("标准分", "weight"),
        ("权重分值", "weight"), ("存在问题及改进措施", "deviation"), ("差异原因", "deviation"),
        ("偏差说明", "deviation")]

FUNDS = [("调整预算数", "budget_adjusted"), ("全年预算数 (A)", "budget_adjusted"), ("年初预算数", "budget_initial"),
         ("全年执行数(B)", "executed"), ("预算执行数", "executed"), ("实际执行金额", "executed"),
         ("执行率 (%)", "execution_rate"), ("分值", "weight"), ("得分", "score"),
         # (支出率 read as executed at 65, 决算数 as budget_adjusted at 60, 年初批复数 at 70)
         ("支出率", "execution_rate"), ("决算数", "executed"), ("年初批复数", "budget_initial")]


@pytest.mark.parametrize("text,column", SEEN + UNSEEN + WEAK)
def test_indicator_headers(text, column):
    m = match(text, "indicator_columns")
    assert m.column == column and m.score >= ACCEPT, m


@pytest.mark.parametrize("text,column", FUNDS)
def test_fund_headers(text, column):
    m = match(text, "fund_columns")
    assert m.column == column and m.score >= ACCEPT, m


@pytest.mark.parametrize("text", ["完全无关的词", "联系电话", "项目名称"])
def test_unrelated_text_maps_to_nothing(text):
    assert match(text, "indicator_columns").column is None


def test_unmapped_header_is_reported_not_guessed():
    rows = [Row(["项目名称", "测试项目"]),
            Row(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "奇怪的列头"]),
            Row(["产出指标", "数量指标", "场次", "10场", "12场", "10", "10", "x"])]
    form = FormReader(rows).read()
    assert form is not None and len(form.indicators) == 1
    # the header is reported, and so is the value it leaves unread (schema v2: an error)
    assert [(f.check, f.severity) for f in form.findings] == [("unmapped_header", "warning"),
                                                              ("unread_column", "error")]
    assert "奇怪的列头" in form.findings[1].detail
    assert "奇怪的列头" in form.findings[0].detail
    assert ("奇怪的列头", None) in [(t, c) for t, c, _ in form.header_map]


# --- the fast paths give jieba's and rapidfuzz's own answers ------------------------------------

def _cell_texts() -> list[str]:
    """Every cell of the bundled real text forms, and shuffles of them."""
    import random
    import re
    from pathlib import Path

    samples = Path(__file__).resolve().parent.parent / "samples"
    texts = sorted({t.strip() for f in sorted(samples.glob("**/*.txt"))
                    for t in re.split(r"[\t\n|]+", f.read_text("utf-8", errors="replace")) if t.strip()})
    rng = random.Random(7)
    pool = "".join(texts)
    return texts + ["".join(rng.choice(pool) for _ in range(rng.randint(1, 24))) for _ in range(3000)]


def test_lazy_dictionary_cuts_as_jieba_does(tmp_path, monkeypatch):
    import jieba
    from jixiao.normalize.tokenizer import tokenizer
    from jixiao.schemas import vocabulary

    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path))
    words = vocabulary()["jieba_words"]
    full = jieba.Tokenizer()
    for w in words:
        full.add_word(w, freq=200000)
    built, cached = tokenizer(words), tokenizer(words)  # the first builds the cache, the second reads it
    assert len(list(tmp_path.iterdir())) == 1
    texts = _cell_texts()
    assert [full.lcut(t) for t in texts] == [built.lcut(t) for t in texts] == [cached.lcut(t) for t in texts]


def test_damaged_or_unwritable_cache_still_cuts(tmp_path, monkeypatch):
    from jixiao.normalize.tokenizer import tokenizer

    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path))
    tokenizer()
    (cache,) = tmp_path.iterdir()
    cache.write_bytes(b"\x00garbage")
    assert tokenizer().lcut("年度指标值") == ["年度", "指标值"]  # as jieba.lcut cuts it
    assert cache.stat().st_size > 1_000_000  # rebuilt
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "file-not-dir"))
    (tmp_path / "file-not-dir").write_text("")
    assert tokenizer().lcut("年度指标值") == ["年度", "指标值"]  # as jieba.lcut cuts it


def test_scores_are_rapidfuzz_one_pair_at_a_time():
    """The vectorised scores against a plain reading of the rule: the better
    of ratio and token-sort ratio over jieba tokens, ±10 for the head word."""
    from jixiao.normalize.headers import HEAD_BONUS, _best, core, tokens
    from jixiao.schemas import vocabulary
    from rapidfuzz import fuzz

    def reference(a: str, family: str) -> tuple[str | None, float]:
        best, best_score = None, 0.0
        for column, synonyms in vocabulary()[family].items():
            for s in synonyms:
                if not a or not s:
                    continue
                if a == s:
                    sc = 100.0
                else:
                    ta, tb = tokens(a), tokens(s)
                    base = max(fuzz.ratio(a, s), fuzz.token_sort_ratio(" ".join(ta), " ".join(tb)))
                    sc = max(0.0, min(99.0, base + (HEAD_BONUS if ta[-1] == tb[-1] else -HEAD_BONUS)))
                if sc > best_score:
                    best, best_score = column, sc
        return best, best_score

    for t in _cell_texts()[::7]:
        for family in ("indicator_columns", "fund_columns"):
            assert _best(core(t), family) == reference(core(t), family), t


def test_cells_turned_away_unread_could_not_have_matched():
    """`column` skips tokenizing cells its bound rules out: never one that
    `match` would have mapped at that floor."""
    from jixiao.normalize.headers import REVIEW, column, core, could_reach

    turned_away = 0
    for t in _cell_texts():
        for family in ("indicator_columns", "fund_columns"):
            for floor in (REVIEW, ACCEPT):
                m = match(t, family)
                assert column(t, family, floor) == (m.column if m.column and m.score >= floor else None), t
                turned_away += not could_reach(core(t), family, floor)
    assert turned_away > len(_cell_texts())  # the bound does turn most cells away


def test_jieba_is_imported_without_pkg_resources():
    """jieba imports setuptools' pkg_resources only to open its own data
    files (70 ms in every process): the process that reads a file loads jieba
    without it, and cuts as jieba does (the test above; here the headers of a
    real form still match: its forms are read whole)."""
    import subprocess
    import sys
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "samples" / "guangdong_n1_s101_000.pdf"
    code = ("import sys; from pathlib import Path; from jixiao.pipeline import convert_file; "
            "p = Path(sys.argv[1]); r = convert_file(str(p), p); "
            "print(len(r.forms), len(r.forms[0].indicators), 'jieba' in sys.modules, 'pkg_resources' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(sample)], capture_output=True, text=True, check=True)
    from jixiao.pipeline import convert_file

    here = convert_file(str(sample), sample)
    assert out.stdout.split() == [str(len(here.forms)), str(len(here.forms[0].indicators)), "True", "False"]


# Head labels as forms vary them (主管部门 as 项目主管部门 or 主管部门及代码, 实施单位
# as 项目单位, 用款单位 or 资金使用单位, 项目名称 as 预算项目名称 or 专项资金名称):
# not known, the value beside one was read as nothing.
HEAD_LABELS = [("项目主管部门", "department"), ("主管部门及代码", "department"), ("主管单位名称", "department"),
               ("项目单位", "implementing_unit"), ("用款单位", "implementing_unit"),
               ("资金使用单位", "implementing_unit"), ("项目承担单位", "implementing_unit"),
               ("预算项目名称", "project_name"), ("专项资金名称", "project_name")]


def _form_with_head(*head: list[str]) -> Form | None:
    """A form of these head rows under its title, over a one-row indicator table."""
    return FormReader([Row(["项目支出绩效自评表"]), *map(Row, head),
                       Row(["一级指标", "二级指标", "三级指标", "指标值", "分值", "得分"]),
                       Row(["产出指标", "数量指标", "培训人数", "100人", "10", "10"])]).read()


@pytest.mark.parametrize("label,field", HEAD_LABELS)
def test_a_head_label_as_forms_vary_it_names_its_field(label, field):
    form = _form_with_head([label, "某值"])
    assert form is not None and getattr(form, field) == "某值"


def test_a_head_label_without_a_field_is_said_with_its_value():
    """项目属性 | 延续项目 and 联系人 | 张三 in a form's head: the contract has no
    field for either, and their values were dropped without a word. Each
    is an unread_label check naming the label and the value; the labels
    beside them read as before."""
    form = _form_with_head(["项目名称", "培训项目", "项目属性", "延续项目"],
                           ["主管部门", "某局", "联系人", "张三", "联系电话", "12345678"])
    assert form is not None
    assert (form.project_name, form.department, form.contact_phone) == ("培训项目", "某局", "12345678")
    said = [f.detail for f in form.findings if f.check == "unread_label"]
    assert said == ["the head's '项目属性' holds '延续项目': the contract has no field for it, not stored",
                    "the head's '联系人' holds '张三': the contract has no field for it, not stored"], said


def test_a_head_cell_no_label_takes_is_said_with_its_value():
    """A label the vocabulary does not know, on a line of its own (编制依据：X)
    or in a row of labels (项目负责单位 | X): the value was dropped without a
    word. Each row's cells no label takes are an unread_label check; the
    head's furniture (title, year, unit, 附件1, 公开14表) is not, nor a value
    the form stores under another label (单位（盖章）：某局 over 主管部门 | 某局)."""
    form = _form_with_head(["附件1"], ["（2023年度）"], ["单位（盖章）：某局", "公开14表"], ["单位：万元"],
                           ["项目名称", "培训项目", "项目负责单位", "某公司"], ["主管部门", "某局"],
                           ["编制依据：某某文件（2023）1号"], ["填报单位：（盖章）单位：万元"])
    assert form is not None
    assert (form.project_name, form.department) == ("培训项目", "某局")
    said = [f.detail for f in form.findings if f.check == "unread_label"]
    assert said == ["the head's '项目负责单位', '某公司': no label the vocabulary knows takes it, not stored",
                    "the head's '编制依据' holds '某某文件（2023）1号': no label the vocabulary knows takes it, "
                    "not stored"], said


def test_a_head_label_printed_twice_with_two_values_is_said():
    """主管部门 | 某局 and again 主管部门 | 另一局 further down the head: the first
    is kept, as before, and the second, which was dropped without a word,
    is an unread_label check; the same value twice is no finding."""
    form = _form_with_head(["项目名称", "培训项目", "主管部门", "某局"], ["主管部门", "另一局"], ["项目名称", "培训项目"])
    assert form is not None and form.department == "某局"
    said = [f.detail for f in form.findings if f.check == "unread_label"]
    assert said == ["the form's '主管部门' holds '另一局' where department is '某局' already, from a label before it: "
                    "the first kept, this not stored"], said

