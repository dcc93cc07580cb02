"""The path picture's arithmetic, on hand-made paths."""

from reporting.flow_picture import WIDTH, flow_blocks, flow_tree


def _names(code):
    return {"FEE": "Fee", "PAUSE": "Pause"}.get(code, code)


def test_blocks_are_as_wide_as_their_calls_and_coloured_by_their_save_rate():
    rows = [
        {"key": "financial_burden|FEE:+", "retained": 30, "cancelled": 0},
        {"key": "financial_burden|FEE:-|PAUSE:+", "retained": 10, "cancelled": 0},
        {"key": "financial_burden|FEE:-|PAUSE:-", "retained": 0, "cancelled": 20},
        {"key": "unavoidable", "retained": 0, "cancelled": 40},
    ]
    blocks, height = flow_blocks(flow_tree(rows, str.upper, _names))
    by_label = {(b.y, b.label): b for b in blocks}
    financial, unavoidable = by_label[(0, "FINANCIAL_BURDEN")], by_label[(0, "UNAVOIDABLE")]
    assert (financial.width, unavoidable.width) == (WIDTH * 60 / 100, WIDTH * 40 / 100)
    assert unavoidable.x == financial.width  # side by side, the busiest first
    accepted, declined = by_label[(34, "Fee ✓")], by_label[(34, "Fee ✗")]
    assert (accepted.width, declined.width) == (300, 300)
    assert accepted.fill == "hsl(120, 65%, 72%)"  # all saved: green
    assert unavoidable.fill == "hsl(0, 65%, 72%)"  # none saved: red
    assert by_label[(68, "Pause ✓")].width == 100 and by_label[(68, "Pause ✗")].width == 200
    assert "30 calls, 100% saved" in accepted.title
    assert height == 3 * 34


def test_a_narrow_block_keeps_its_title_but_shows_no_text():
    rows = [
        {"key": "competitor", "retained": 999, "cancelled": 0},
        {"key": "unavoidable", "retained": 0, "cancelled": 1},
    ]
    blocks, _height = flow_blocks(flow_tree(rows, str, _names))
    narrow = next(b for b in blocks if b.label == "unavoidable")
    assert not narrow.show_label and "1 call," in narrow.title


def test_no_calls_draw_nothing():
    assert flow_blocks(flow_tree([], str, _names)) == ([], 0)
