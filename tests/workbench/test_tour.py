"""The tour's data: seed order, identification of each essay, timeline, label packing, rope help."""
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engines.registry import TOPIC_IDS
from workbench.shell import tour
from workbench.shell.tour import TOUR, TourCard, pack_labels, years_to_next_thousand

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")

# The seed page lists its essays in this order (which is also their order of publication).
SEED_ORDER = ["vae_ib", "rope", "batchnorm", "regularization", "pg_zoo", None, "multitask", "wok"]
IDENTIFICATION = {  # topic -> (date, archive id), from the notes' identification tables
    "vae_ib": ("2018-11-27", 6181),
    "rope": ("2019-07-06", 6784),
    "batchnorm": ("2019-10-11", 6992),
    "regularization": ("2020-08-14", 7681),
    "pg_zoo": ("2020-09-15", 7737),
    None: ("2020-09-29", 7782),
    "multitask": ("2022-01-18", 8870),
    "wok": ("2023-11-13", 9855),
}


def test_cards_follow_the_seed_page_order():
    assert [card.topic_id for card in TOUR] == SEED_ORDER
    assert all(isinstance(card, TourCard) for card in TOUR)


def test_every_registered_topic_has_exactly_one_card():
    ids = [card.topic_id for card in TOUR if card.topic_id is not None]
    assert sorted(ids) == sorted(TOPIC_IDS)
    assert tour.card_for("rope").archive_id == 6784
    with pytest.raises(KeyError):
        tour.card_for("no_such_topic")


@pytest.mark.parametrize("topic_id", SEED_ORDER)
def test_dates_archive_ids_and_links(topic_id):
    card = next(c for c in TOUR if c.topic_id == topic_id)
    date, archive_id = IDENTIFICATION[topic_id]
    assert card.date == date
    assert card.archive_id == archive_id
    assert card.url == f"https://kexue.fm/archives/{archive_id}"


def test_seed_order_is_chronological():
    dates = [card.date for card in TOUR]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


def test_the_thousandth_article_is_the_start_page():
    card = next(c for c in TOUR if c.topic_id is None)
    assert card.essay_title_zh == "第1000篇文章"
    assert "start page" in card.what_you_can_do
    assert card.category == tour.CATEGORY_LIFE


def test_summaries_are_ours_in_english_and_titles_are_chinese():
    """Licence: the essays are CC BY-NC-ND; cards carry our English words, never essay text."""
    for card in TOUR:
        assert CJK.search(card.essay_title_zh), card
        for text in (card.title, card.essay_title_en, card.summary, card.what_you_can_do):
            assert not CJK.search(text), (card.topic_id, text)
        assert 80 <= len(card.summary) <= 330, card.topic_id
        # "what you can do" is one sentence
        assert card.what_you_can_do.endswith(".") and ". " not in card.what_you_can_do


def test_multitask_card_mentions_parts_two_and_three():
    card = tour.card_for("multitask")
    assert [(r.archive_id, r.date) for r in card.related] == [(8896, "2022-02-08"), (8907, "2022-02-14")]
    assert all(r.url.startswith("https://kexue.fm/archives/") for r in card.related)
    assert "（一）" in card.essay_title_zh


def test_timeline_milestones_and_eras():
    by_when = {event.when: event for event in tour.TIMELINE_EVENTS}
    assert "2006" in by_when
    assert by_when["≈ March 2009"].approximate
    assert by_when["2019-03-14"].archive_id == 6469
    assert by_when["2020-09-29"].label == "1000th article" and by_when["2020-09-29"].essay
    assert sum(event.essay for event in tour.TIMELINE_EVENTS) == len(TOUR)
    years = [event.year for event in tour.TIMELINE_EVENTS]
    assert years == sorted(years)
    eras = tour.TIMELINE_ERAS
    assert all(era.approximate for era in eras)
    assert [era.label for era in eras if era.kind == "blog"] == [
        "astronomy & popular science", "mathematics & physics", "machine learning"]
    assert eras[1].start == pytest.approx(2009.2)  # blog founded around March 2009
    assert all(tour.TIMELINE_START <= e.year <= tour.TIMELINE_END for e in tour.TIMELINE_EVENTS)
    assert set(tour.TIMELINE) == set(eras) | set(tour.TIMELINE_EVENTS)


def test_years_to_next_thousand():
    assert years_to_next_thousand(1) == pytest.approx(19.2308, abs=1e-4)  # the essay: "about 20"
    assert years_to_next_thousand(2) == pytest.approx(years_to_next_thousand(1) / 2)
    # the first thousand took March 2009 to September 2020: about 1.7 posts a week
    assert years_to_next_thousand(1000 / 52 / 11.55) == pytest.approx(11.55)
    for bad in (0, -1.0, float("nan")):
        with pytest.raises(ValueError):
            years_to_next_thousand(bad)


def check_packing(markers, widths, extent, packed, pad=5.0, clearance=2.0, strict=True):
    """Labels inside the extent and not overlapping in a lane; if ``strict``, each label's text
    also starts or ends at its marker and no leader line runs through the text of a nearer label."""
    def text_covers(i, left, x):
        return left + pad - clearance <= x <= left + widths[i] - pad + clearance

    for i, (lane, left) in enumerate(packed):
        assert lane >= 0
        assert -1e-9 <= left and left + widths[i] <= extent + 1e-9
        if strict:
            assert markers[i] in (pytest.approx(left + pad), pytest.approx(left + widths[i] - pad))
        for j, (other_lane, other_left) in enumerate(packed):
            if i == j:
                continue
            if lane == other_lane:
                assert left + widths[i] <= other_left or other_left + widths[j] <= left
            # (markers closer than the clearance cannot keep their lines apart)
            if other_lane > lane and strict and abs(markers[i] - markers[j]) > clearance:
                assert not text_covers(i, left, markers[j]), (i, j, packed)


@pytest.mark.parametrize("extent", [700, 900, 1100, 1400])
def test_pack_labels_on_the_tour_layout(extent):
    span = tour.TIMELINE_END - tour.TIMELINE_START
    events = [e for e in tour.TIMELINE_EVENTS if e.essay]
    markers = [20 + (e.year - tour.TIMELINE_START) / span * (extent - 40) for e in events]
    widths = [10 + 6 * len(f"{e.when} · {e.label}") for e in events]
    check_packing(markers, widths, extent, pack_labels(markers, widths, extent))


def test_pack_labels_stays_inside_when_crowded():
    """Labels too wide for either side are pushed inside; lanes stay valid (the view then masks
    any line behind a label)."""
    markers = [20.0, 200.0, 380.0]
    widths = [300.0, 300.0, 300.0]
    check_packing(markers, widths, 400, pack_labels(markers, widths, 400), strict=False)


def test_pack_labels_stacks_a_cluster_and_shares_lanes_when_spread():
    # the cluster's earliest label turns to its free left side and shares lane 0 with the latest
    assert pack_labels([100, 110, 120], [60, 60, 60], 1000) == [(0, 45), (1, 105), (0, 115)]
    assert [lane for lane, _ in pack_labels([100, 300, 500], [60, 60, 60], 1000)] == [0, 0, 0]
    # near the right edge a label must turn left, and the labels before it follow
    packed = pack_labels([700, 760, 790], [150, 150, 150], 800)
    assert all(left + 150 - 5 == pytest.approx(x) for (_, left), x in zip(packed, [700, 760, 790]))
    check_packing([700, 760, 790], [150] * 3, 800, packed)


def test_pack_labels_never_crosses_on_random_layouts():
    rng = random.Random(7)
    for _ in range(300):
        n = rng.randint(1, 9)
        markers = sorted(rng.uniform(0, 1000) for _ in range(n))
        if any(b - a < 5 for a, b in zip(markers, markers[1:])):
            continue  # markers closer than the clearance cannot keep their lines apart
        widths = [rng.uniform(40, 150) for _ in range(n)]
        packed = pack_labels(markers, widths, 1000)
        # crossing-free is promised when some split puts the earliest labels on their left and
        # the rest on their right, all inside the extent
        fits_left = [x + 5 - w >= 0 and x + 5 <= 1000 for x, w in zip(markers, widths)]
        fits_right = [x - 5 >= 0 and x - 5 + w <= 1000 for x, w in zip(markers, widths)]
        feasible = any(all(fits_left[:k]) and all(fits_right[k:]) for k in range(n + 1))
        check_packing(markers, widths, 1000, packed, strict=feasible)


def test_tour_imports_no_qt():
    code = ("import sys; import workbench.shell.tour; "
            "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# --- the rope panel's help text (resources/topics/rope.md) ----------------------------------------

ROPE_HELP = ROOT / "resources" / "topics" / "rope.md"


def test_rope_help_is_plain_markdown_with_errata_and_credits():
    text = ROPE_HELP.read_text(encoding="utf-8")
    assert 80 <= len(text.splitlines()) <= 180  # five scenarios, one of them a live simulation
    assert "$" not in text and "\\" not in text  # no LaTeX: the help pane renders plain Markdown
    assert "## What the essay got wrong" in text
    errata = text.split("## What the essay got wrong")[1].split("\n## ")[0]
    assert len(re.findall(r"^\d\. ", errata, flags=re.M)) == 5
    for needle in ("a cosh((x − b) / a)", "dy/ds", "compression", "Lagrange multiplier", "1.311029"):
        assert needle in errata, needle
    for needle in ("https://kexue.fm/archives/6784", "Kolodner", "Nordmark", "Aristoff", "苏剑林",
                   "λₙ = j₀,ₙ² / 4", "cd(K z / h | k²)", "d = g / ω²", "su_original"):
        assert needle in text, needle


def test_rope_help_renders_with_headings_and_a_table(qapp):
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setMarkdown(ROPE_HELP.read_text(encoding="utf-8"))
    block, headings = document.begin(), []
    while block.isValid():
        if block.blockFormat().headingLevel():
            headings.append(block.text())
        block = block.next()
    assert headings[0] == "The spinning rope"
    assert "What the essay got wrong" in headings
    assert sum("(scenario" in h for h in headings) == 5
    assert "<table" in document.toHtml()
