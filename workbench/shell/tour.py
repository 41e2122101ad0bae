"""The guided tour: one card per essay of the seed page, and the blog's timeline. Pure data, no Qt.

The seed page is an index page of *Scientific Spaces* (科学空间, kexue.fm, by 苏剑林 Su Jianlin) that
lists eight essays; ``TOUR`` keeps its order, which is also the order of publication. The 1000th article
(archive 7782) has no simulation: the start page itself is its panel, so its card has
``topic_id=None``.

The essays are licensed Attribution-NonCommercial-NoDerivs (CC BY-NC-ND 2.5 CN): every summary here is
written by us, and the essays themselves are reached through their links. Titles, dates and archive
ids come from the topic notes in ``shared/topics/*.md``; so do the categories of the rope, 1000th and
wok essays, while the machine-learning essays are filed under the blog's 信息时代 section by assumption
(the notes do not record their category).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

AUTHOR = "苏剑林 (Su Jianlin)"
BLOG = "科学空间 · Scientific Spaces"
BLOG_URL = "https://kexue.fm"
LICENCE = "CC BY-NC-ND 2.5 CN"
LICENCE_URL = "https://creativecommons.org/licenses/by-nc-nd/2.5/cn/"

#: The blog's own category names, with the English labels its page chrome uses.
CATEGORY_PHYSICS = "物理化学 · Phy-chem"
CATEGORY_ML = "信息时代 · Big-Data"
CATEGORY_LIFE = "生活/情感 · Life-Feeling"


def archive_url(archive_id: int) -> str:
    """The canonical address of an essay (the mirror spaces.ac.cn serves the same ids)."""
    return f"{BLOG_URL}/archives/{archive_id}"


@dataclass(frozen=True)
class RelatedEssay:
    """A companion essay mentioned on a card (e.g. later parts of a series)."""

    label: str
    title_zh: str
    date: str
    archive_id: int

    @property
    def url(self) -> str:
        return archive_url(self.archive_id)


@dataclass(frozen=True)
class TourCard:
    """One essay of the seed page, as the start page shows it.

    ``title`` is our short English name for the card; ``essay_title_en`` renders the essay's own
    title in English. ``summary`` and ``what_you_can_do`` are our words, never the essay's text.
    """

    topic_id: str | None
    title: str
    essay_title_zh: str
    essay_title_en: str
    date: str
    url: str
    archive_id: int
    category: str
    what_you_can_do: str
    summary: str
    related: tuple[RelatedEssay, ...] = ()


TOUR: tuple[TourCard, ...] = (
    TourCard(
        topic_id="vae_ib",
        title="VAE, information bottleneck and the normal prior",
        essay_title_zh="从变分编码、信息瓶颈到正态分布：论遗忘的重要性",
        essay_title_en="From variational encoding and the information bottleneck to the normal "
                       "distribution: on the importance of forgetting",
        date="2018-11-27",
        url=archive_url(6181),
        archive_id=6181,
        category=CATEGORY_ML,
        what_you_can_do="Train a VAE and a variational-bottleneck classifier on handwritten digits "
                        "and watch what a stronger KL penalty makes them forget.",
        summary="A VAE and a variational information-bottleneck classifier differ from their plain "
                "cousins in the same two ways: noisy latent codes and a KL penalty towards a "
                "standard normal. Both reward keeping only the information the task needs.",
    ),
    TourCard(
        topic_id="rope",
        title="The shape of a spinning rope",
        essay_title_zh="你跳绳的时候，想过绳子的形状曲线是怎样的吗？",
        essay_title_en="When you skip rope, have you ever wondered what curve the rope makes?",
        date="2019-07-06",
        url=archive_url(6784),
        archive_id=6784,
        category=CATEGORY_PHYSICS,
        what_you_can_do="Spin a hanging rope past its critical speeds, bend a skipping rope into "
                        "its elliptic-function curve, rerun the essay's own code beside the "
                        "corrected equations, and watch a live bead chain swing out at λ1 or curl "
                        "in the air.",
        summary="A rope turning at constant speed settles into a curve set by tension, "
                "centrifugal force and gravity. Least action gives the equations; the skipping "
                "rope without gravity has a closed form, the rest is solved numerically.",
    ),
    TourCard(
        topic_id="batchnorm",
        title="What batch normalisation really does",
        essay_title_zh="BN究竟起了什么作用？一个闭门造车的分析",
        essay_title_en="What does BN actually do? An analysis reasoned out behind closed doors",
        date="2019-10-11",
        url=archive_url(6992),
        archive_id=6992,
        category=CATEGORY_ML,
        what_you_can_do="Compare networks with and without BN and measure how smooth their loss "
                        "landscape is and how large a learning rate they tolerate.",
        summary="Starting from the descent lemma, the essay argues that BN helps because "
                "centring and scaling each layer's input lowers the loss's Lipschitz constant, so "
                "larger steps stay safe: the landscape gets smoother, not the distributions.",
    ),
    TourCard(
        topic_id="regularization",
        title="L2 regularisation and weight-scale shifting",
        essay_title_zh="L2正则没有想象那么好？可能是“权重尺度偏移”惹的祸",
        essay_title_en="Is L2 regularisation worse than we think? Blame weight-scale shifting",
        date="2020-08-14",
        url=archive_url(7681),
        archive_id=7681,
        category=CATEGORY_ML,
        what_you_can_do="Rescale adjacent layers without changing the network's output and race "
                        "L2, AdamW and a scale-invariant regulariser against each other.",
        summary="In a ReLU network one layer can be scaled up and the next down without changing "
                "the function, yet the L2 penalty changes. The essay follows a paper that builds a "
                "regulariser which is invariant to this shift.",
    ),
    TourCard(
        topic_id="pg_zoo",
        title="Policy gradient meets zeroth-order optimisation",
        essay_title_zh="殊途同归的策略梯度与零阶优化",
        essay_title_en="Policy gradient and zeroth-order optimisation: different roads, one "
                       "destination",
        date="2020-09-15",
        url=archive_url(7737),
        archive_id=7737,
        category=CATEGORY_ML,
        what_you_can_do="Estimate gradients by sampling, compare their variance with the true "
                        "gradient, and train a classifier for accuracy directly.",
        summary="Two ways to optimise what has no gradient, such as accuracy: the score-function "
                "trick of reinforcement learning, and random finite differences. For a broad "
                "class of problems the essay shows they are essentially the same estimator.",
    ),
    TourCard(
        topic_id=None,
        title="The 1,000th article",
        essay_title_zh="第1000篇文章",
        essay_title_en="The 1,000th article",
        date="2020-09-29",
        url=archive_url(7782),
        archive_id=7782,
        category=CATEGORY_LIFE,
        what_you_can_do="The start page is this essay's panel: follow the blog's timeline below "
                        "and work out how long the next thousand articles would take.",
        summary="A short note on reaching a thousand posts: the blog's drift from astronomy to "
                "physics and mathematics to machine learning, its teenage prehistory on "
                "system-packaging forums, and thanks to readers.",
    ),
    TourCard(
        topic_id="multitask",
        title="Multi-task learning: weighting the losses",
        essay_title_zh="多任务学习漫谈（一）：以损失之名",
        essay_title_en="Musings on multi-task learning (1): in the name of the loss",
        date="2022-01-18",
        url=archive_url(8870),
        archive_id=8870,
        category=CATEGORY_ML,
        what_you_can_do="Train one shared network on several tasks and compare loss-weighting "
                        "schemes side by side, from equal weights to GradNorm.",
        summary="Losses of different tasks come in different units, so summing them raw is "
                "arbitrary. Part one looks for weightings that are scale invariant; parts two and "
                "three move to gradients and to primary-versus-auxiliary tasks.",
        related=(
            RelatedEssay("Part 2", "多任务学习漫谈（二）：行梯度之事", "2022-02-08", 8896),
            RelatedEssay("Part 3", "多任务学习漫谈（三）：分主次之序", "2022-02-14", 8907),
        ),
    ),
    TourCard(
        topic_id="wok",
        title="Why the iron wok wins",
        essay_title_zh="【生活杂记】炒锅的尽头是铁锅",
        essay_title_en="[Life notes] The road of woks ends at the iron wok",
        date="2023-11-13",
        url=archive_url(9855),
        archive_id=9855,
        category=CATEGORY_LIFE,
        what_you_can_do="Heat woks of different metals on gas or induction and follow the "
                        "temperature across the pan through a heat, oil and cool-down routine.",
        summary="A kitchen essay: most cooks end up back at a plain iron wok, provided they "
                "forget the fussy maintenance rules and preheat, oil and briefly cool the pan "
                "every time they cook.",
    ),
)


def card_for(topic_id: str) -> TourCard:
    """The tour card of a topic id (KeyError for an id without a card)."""
    for card in TOUR:
        if card.topic_id == topic_id:
            return card
    raise KeyError(f"no tour card for topic {topic_id!r}")


# --------------------------------------------------------------------------------------------
# Timeline (thousand.md §1, §2.2; the ten-year post 6469)


@dataclass(frozen=True)
class TimelineEvent:
    """A dated moment. ``year`` is a decimal year used for placement; ``when`` is what is shown."""

    year: float
    when: str
    label: str
    approximate: bool = False
    archive_id: int | None = None
    essay: bool = False  # one of the tour's essays (the others are milestones)


@dataclass(frozen=True)
class TimelineEra:
    """A stretch of years. The sources give no exact boundaries, so eras are drawn as soft
    gradients that fade in and out over ``fade`` years and are labelled approximate."""

    start: float
    end: float
    label: str
    kind: str  # "prehistory" or "blog": lets a view pick its accent colours
    short: str = ""  # for narrow views
    fade: float = 1.0
    approximate: bool = True


def decimal_year(iso_date: str) -> float:
    """'2019-07-06' -> 2019.51 (months and days only need to place a marker)."""
    year, month, day = (int(part) for part in iso_date.split("-"))
    return year + (month - 1) / 12 + (day - 1) / 365


TIMELINE_START = 2005.5
TIMELINE_END = 2024.5

TIMELINE_ERAS: tuple[TimelineEra, ...] = (
    TimelineEra(2006.0, 2009.2, "OS-packaging forums (grades 7–9)", "prehistory", "forums", fade=0.6),
    TimelineEra(2009.2, 2012.5, "astronomy & popular science", "blog", "astronomy"),
    TimelineEra(2011.5, 2016.5, "mathematics & physics", "blog", "maths & physics"),
    TimelineEra(2015.5, TIMELINE_END, "machine learning", "blog", "ML"),
)

_MILESTONES: tuple[TimelineEvent, ...] = (
    TimelineEvent(2006.0, "2006", "first time online"),
    TimelineEvent(2009.2, "≈ March 2009", "blog founded", approximate=True),
    TimelineEvent(decimal_year("2019-03-14"), "2019-03-14", "ten years (Pi Day)", archive_id=6469),
)

#: Short names for the timeline's essay markers (the cards carry the full titles).
SHORT_NAMES: dict[int, str] = {
    6181: "VAE & bottleneck",
    6784: "spinning rope",
    6992: "batch norm",
    7681: "L2 & scale shift",
    7737: "policy gradient & ZOO",
    7782: "1000th article",
    8870: "multi-task learning",
    9855: "iron wok",
}

TIMELINE_EVENTS: tuple[TimelineEvent, ...] = tuple(
    sorted(
        _MILESTONES
        + tuple(
            TimelineEvent(
                decimal_year(card.date),
                card.date,
                SHORT_NAMES.get(card.archive_id, card.title),
                archive_id=card.archive_id,
                essay=True,
            )
            for card in TOUR
        ),
        key=lambda event: event.year,
    )
)

#: Everything a timeline view needs: eras (approximate) and dated events, oldest first.
TIMELINE: tuple[TimelineEra | TimelineEvent, ...] = TIMELINE_ERAS + TIMELINE_EVENTS


def years_to_next_thousand(posts_per_week: float) -> float:
    """Years needed for 1000 more posts at a steady rate: 1000 / (52 · rate).

    At one post a week (the 2019 rate) this is ≈ 19.2 years, the essay's "about 20 years".
    """
    if not posts_per_week > 0:
        raise ValueError(f"posts_per_week must be positive, got {posts_per_week!r}")
    return 1000.0 / (52.0 * posts_per_week)


def pack_labels(markers: Sequence[float], widths: Sequence[float], extent: float, *,
                pad: float = 5.0, gap: float = 8.0, clearance: float = 2.0) -> list[tuple[int, float]]:
    """Place timeline labels in lanes so that none overlaps another and no leader line crosses one.

    Label i belongs to the marker at ``markers[i]``; it is ``widths[i]`` wide including ``pad`` on
    each side of its text, and its text either starts at the marker (the label lies to the right)
    or ends at it (to the left). A leader line runs from the marker, next to the ribbon, to the
    label's lane. Returns ``(lane, left)`` for each label in input order; lane 0 is nearest the
    ribbon.

    The earliest k markers get labels on their left and the others on their right, so a label's
    text only ever covers markers on its own side. Placing the left group earliest first and the
    right group latest first, every marker a label covers already has its lane, so the label can
    always go farther out than those (no line crosses it) and its own line meets no nearer text.
    Each lane is the nearest one that keeps these rules; the k with the fewest lanes wins. When no
    k keeps every label inside ``[0, extent]`` the labels are pushed inside, and a line may then
    pass behind one (a view should mask lines behind its labels).
    """
    count = len(markers)
    by_x = sorted(range(count), key=lambda i: markers[i])

    def covers(i: int, left: float, x: float) -> bool:
        return left + pad - clearance <= x <= left + widths[i] - pad + clearance

    def assign(lefts: dict[int, float], sequence: list[int]) -> dict[int, tuple[int, float]]:
        placed: dict[int, tuple[int, float]] = {}

        def fits(i: int, lane: int) -> bool:
            left = lefts[i]
            for j, (other_lane, other_left) in placed.items():
                overlap = left < other_left + widths[j] + gap and other_left < left + widths[i] + gap
                if other_lane == lane and overlap:
                    return False
                if other_lane > lane and covers(i, left, markers[j]):
                    return False
                if other_lane < lane and covers(j, other_left, markers[i]):
                    return False
            return True

        for i in sequence:
            lanes = 1 + max((lane for lane, _ in placed.values()), default=-1)
            placed[i] = (next((k for k in range(lanes) if fits(i, k)), lanes), lefts[i])
        return placed

    best: tuple[tuple[float, int, int], dict[int, tuple[int, float]]] | None = None
    for split in range(count + 1):
        left_group, right_group = by_x[:split], by_x[split:]
        lefts = {i: markers[i] + pad - widths[i] for i in left_group}
        lefts.update({i: markers[i] - pad for i in right_group})
        overflow = sum(max(0.0, -left) + max(0.0, left + widths[i] - extent) for i, left in lefts.items())
        if overflow:
            lefts = {i: min(max(left, 0.0), max(extent - widths[i], 0.0)) for i, left in lefts.items()}
        placed = assign(lefts, left_group + right_group[::-1])
        lanes = 1 + max((lane for lane, _ in placed.values()), default=-1)
        key = (overflow, lanes, split)
        if best is None or key < best[0]:
            best = (key, placed)
    return [best[1][i] for i in range(count)] if best else []
