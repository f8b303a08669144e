"""The report's Prefect artifact embeds its figures: the UI cannot load the files beside report.md."""

import base64

from flows import flow
from flows.flow import inline_figures

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


def test_figures_beside_the_markdown_become_data_uris_and_the_file_is_unchanged(tmp_path):
    (tmp_path / "fig4_loss.png").write_bytes(PNG)
    (tmp_path / "plot.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    text = "# R\n\n![Fig. 4: loss](fig4_loss.png)\n\n![an svg](plot.svg)\n\n[a link](fig4_loss.png)\n"
    md = tmp_path / "report.md"
    md.write_text(text, encoding="utf-8")
    out = inline_figures(md)
    assert f"![Fig. 4: loss](data:image/png;base64,{base64.b64encode(PNG).decode()})" in out
    assert "![an svg](data:image/svg+xml;base64," in out
    assert "[a link](fig4_loss.png)" in out  # links stay links
    assert md.read_text(encoding="utf-8") == text


def test_missing_outside_and_oversized_figures_keep_their_reference(tmp_path, monkeypatch):
    (tmp_path / "big.png").write_bytes(PNG)
    (tmp_path / "sub").mkdir()
    md = tmp_path / "sub" / "report.md"
    text = "![a](missing.png)\n![b](../big.png)\n![c](/etc/hostname.png)\n"
    md.write_text(text, encoding="utf-8")
    assert inline_figures(md) == text  # only files beside the Markdown are read
    md = tmp_path / "report.md"
    md.write_text("![big](big.png)\n", encoding="utf-8")
    monkeypatch.setattr(flow, "MAX_INLINE_BYTES", len(PNG) - 1)
    assert inline_figures(md) == "![big](big.png)\n"
