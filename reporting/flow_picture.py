"""The path through the tree as a picture (an icicle chart drawn on the server as SVG).

Each row of the save-rate-by-path table is one path: the branch, then each offer presented
with the customer's answer. The picture stacks them as a tree: the branches across the top,
under each the first offer and its answer, under that the second, and so on. A block is as
wide as the calls that went that way and coloured by their save rate (red: all left, green:
all stayed). Pure arithmetic on the table's rows: no query, nothing drawn in the browser.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH = 1000  # the SVG's own units; it scales to the page
ROW_HEIGHT = 34
MIN_LABEL_WIDTH = 60  # narrower blocks keep their tooltip but show no text


@dataclass
class Node:
    label: str
    retained: int = 0
    cancelled: int = 0
    children: dict[str, "Node"] = field(default_factory=dict)

    @property
    def calls(self) -> int:
        return self.retained + self.cancelled


@dataclass(frozen=True)
class Block:
    x: float
    y: float
    width: float
    label: str
    title: str
    fill: str
    show_label: bool

    @property
    def short(self) -> str:
        """The label cut to what fits the block (about 7 units a character)."""
        room = max(int((self.width - 8) / 7), 1)
        return self.label if len(self.label) <= room else self.label[: room - 1] + "…"

    @property
    def text_x(self) -> float:
        return self.x + 4

    @property
    def text_y(self) -> float:
        return self.y + 21

    @property
    def height(self) -> int:
        return ROW_HEIGHT - 2


def _fill(rate: float | None) -> str:
    """Red (0%) through amber to green (100%), light enough for dark text."""
    if rate is None:
        return "#dddddd"
    return f"hsl({round(rate * 120)}, 65%, 72%)"


def _step_label(code: str, answer: str, offer_name) -> str:
    return f"{offer_name(code)} {'✓' if answer == '+' else '✗'}"


def flow_tree(rows: list[dict], branch_name, offer_name) -> Node:
    root = Node(_("All calls"))
    for row in rows:
        branch, *steps = row["key"].split("|")
        node = root
        node.retained += row["retained"]
        node.cancelled += row["cancelled"]
        keys = [(branch, branch_name(branch))]
        for step in steps:
            code, _sep, answer = step.rpartition(":")
            keys.append((step, _step_label(code, answer, offer_name)))
        for key, label in keys:
            node = node.children.setdefault(key, Node(label))
            node.retained += row["retained"]
            node.cancelled += row["cancelled"]
    return root


def flow_blocks(root: Node) -> tuple[list[Block], float]:
    """The blocks of the picture and its height."""
    blocks: list[Block] = []

    def place(node: Node, x: float, width: float, depth: int, trail: str) -> None:
        if not node.calls:
            return
        rate = node.retained / node.calls
        title = ngettext(
            "%(path)s: %(calls)d call, %(rate)d%% saved",
            "%(path)s: %(calls)d calls, %(rate)d%% saved",
            node.calls,
        ) % {
            "path": trail,
            "calls": node.calls,
            "rate": round(rate * 100),
        }
        blocks.append(
            Block(
                x=round(x, 2),
                y=depth * ROW_HEIGHT,
                width=round(width, 2),
                label=node.label,
                title=title,
                fill=_fill(rate),
                show_label=width >= MIN_LABEL_WIDTH,
            )
        )
        offset = x
        for child in sorted(node.children.values(), key=lambda c: -c.calls):
            share = width * child.calls / node.calls
            place(child, offset, share, depth + 1, f"{trail} > {child.label}")
            offset += share

    offset = 0.0
    for branch in sorted(root.children.values(), key=lambda c: -c.calls):
        share = WIDTH * branch.calls / root.calls if root.calls else 0
        place(branch, offset, share, 0, branch.label)
        offset += share
    depth = max((b.y for b in blocks), default=-ROW_HEIGHT) + ROW_HEIGHT
    return blocks, depth
