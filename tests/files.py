"""Real article files of every kind the assistant reads (and some it must refuse),
generated into a folder by the tests."""

from __future__ import annotations

import os
from pathlib import Path

ASO = (
    "---\nid: aso\ntitle: 阿蘇山の噴火\n---\n\n"
    "阿蘇山の中岳第一火口で2021年10月20日に噴火が発生した。噴煙は火口から3500メートルまで上がった。\n"
)
SJIS_TEXT = ("富士山の山開き\n\n富士山の山梨県側の登山道は毎年7月1日に山開きを迎える。"
             "多くの登山者が山頂を目指す。\n")
EUC_TEXT = ("琵琶湖の水位\n\n琵琶湖は滋賀県にある日本最大の湖である。"
            "夏の渇水で水位が下がることがある。\n")
SAVED_PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="shift_jis">
<title>桜島が噴火 鹿児島市に降灰 | サンプル新聞</title>
<meta property="og:title" content="桜島が噴火、鹿児島市に降灰">
<meta property="article:published_time" content="2024-07-03T09:00:00+09:00">
</head><body>
<nav><ul><li><a href="/">ホーム</a></li><li><a href="/news">ニュース一覧</a></li>
<li><a href="/sports">スポーツ</a></li></ul></nav>
<div class="ad">広告：今だけ半額セール実施中</div>
<article><h1>桜島が噴火、鹿児島市に降灰</h1>
<p>鹿児島市の桜島で3日朝、爆発的な噴火が起きた。噴煙は火口から約3000メートルの高さまで上がった。</p>
<h2>市民生活への影響</h2>
<p>気象台によると、鹿児島市の中心部に火山灰が降った。市は道路の清掃を急いでいる。</p>
<p>市民の一人は「こんなに灰が降るのは久しぶりだ」と話した。</p>
</article>
<section class="comments"><h3>コメントを書く</h3><form><textarea></textarea>
<button>送信</button></form><p>名無し: 初コメント失礼します</p></section>
<footer>サンプル新聞社 利用規約 プライバシーポリシー</footer>
</body></html>
"""
BOILERPLATE_PAGE = """<html><head><title>ページが見つかりません</title></head><body>
<nav><a href="/">ホーム</a> <a href="/news">ニュース</a></nav>
<footer>利用規約</footer></body></html>
"""
PDF_LINES = ["Sakurajima erupted on the morning of July 3, 2024.",
             "Volcanic ash fell on the center of Kagoshima city."]


def make_pdf(lines: list[str], title: str) -> bytes:
    """A one-page PDF with Helvetica text, written by hand (no PDF writer needed)."""
    body = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {body} ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) /CreationDate (D:20240703090000) >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return out


GOOD = {  # file name -> (article id, a phrase of its body)
    "aso.md": ("aso", "中岳第一火口"),
    "bom.md": ("bom", "白川郷"),
    "sjis.txt": ("sjis", "山開きを迎える"),
    "eucjp.txt": ("eucjp", "日本最大の湖"),
    "sakurajima.html": ("sakurajima", "爆発的な噴火"),
    "volcano.pdf": ("volcano", "Volcanic ash fell"),
}
BAD = {  # file name -> words of the reason it is skipped with
    "empty.md": "empty file",
    "blank.txt": "empty file",
    "junk.txt": "binary data",
    "mixed.txt": "unknown or mixed encoding",
    "punctuation.md": "no article text",
    "boilerplate.html": "only navigation or boilerplate",
    "aso2.md": "same text as",
    "dangling.md": "broken link",
    "broken.pdf": "not a readable PDF",
    "notes.docx": "unsupported file type",
    "clash.md": "already used by",
    "badyaml.md": "not valid YAML",
}


def write_every_kind(folder: Path) -> Path:
    """Every good and bad file above, written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "aso.md").write_text(ASO, encoding="utf-8")
    (folder / "bom.md").write_bytes(
        "\ufeff白川郷の合掌造り\n\n白川郷は岐阜県にある合掌造りの集落で、世界遺産に登録されている。\n"
        .encode("utf-8"))
    (folder / "sjis.txt").write_bytes(SJIS_TEXT.encode("shift_jis"))
    (folder / "eucjp.txt").write_bytes(EUC_TEXT.encode("euc_jp"))
    (folder / "sakurajima.html").write_bytes(SAVED_PAGE.encode("shift_jis"))
    (folder / "volcano.pdf").write_bytes(make_pdf(PDF_LINES, "Sakurajima eruption"))
    (folder / "empty.md").write_bytes(b"")
    (folder / "blank.txt").write_text("  \n\n \t\n", encoding="utf-8")
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 8 + os.urandom(512))
    (folder / "mixed.txt").write_bytes(
        "日本語".encode() + b"\x82\xa0\xff\xfe\x80\x81" * 40 + "です".encode("euc_jp"))
    (folder / "punctuation.md").write_text("---\ntitle: x\n---\n。、・…！？\n", encoding="utf-8")
    (folder / "boilerplate.html").write_text(BOILERPLATE_PAGE, encoding="utf-8")
    (folder / "aso2.md").write_text(ASO.replace("id: aso", "id: aso-copy"), encoding="utf-8")
    (folder / "dangling.md").symlink_to(folder / "nowhere.md")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog\n%%EOF")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    (folder / "clash.md").write_text(
        "---\nid: aso\n---\n\n別の記事の本文です。長さは十分にある。\n", encoding="utf-8")
    (folder / "badyaml.md").write_text("---\ntitle: [unclosed\n---\n本文です。十分な長さの本文。",
                                       encoding="utf-8")
    (folder / "page_files").mkdir()  # a saved page's assets folder: not an article
    (folder / "page_files" / "style.css").write_text("body{}", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    return folder
