"""Articles inside a compilation (汇编): detection measured on real documents, the rows written on import, the
目录 and article URLs of the reading page, the 本篇 marker, the API field and the admin's merge/rename/split."""

from __future__ import annotations

import importlib.util
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require
from wenku.library.models import Document
from wenku.text.articles import detect_articles
from wenku.text.counting import count_chars

REPO = Path(__file__).resolve().parent.parent


def _bench():
    """bench/eval_articles.py: the development set and its measuring code."""
    spec = importlib.util.spec_from_file_location("eval_articles", REPO / "bench" / "eval_articles.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_articles"] = module
    spec.loader.exec_module(module)
    return module


def test_the_development_set_scores_at_least_095(corpus):
    report = _bench().evaluate(corpus)
    development = report["development"]
    assert development["gold"] >= 120
    assert development["boundaries"]["f1"] >= 0.95, report["errors"]
    assert development["titles"]["f1"] >= 0.95, report["errors"]
    # news concatenated as plain .txt / plain .docx is part of it, and held to the same bar on its own
    news = report["development_news_plain"]
    assert news["gold"] >= 45
    assert news["boundaries"]["f1"] >= 0.95, report["errors"]
    assert news["titles"]["f1"] >= 0.95, report["errors"]
    assert report["single_documents"]["documents"] >= 100
    assert report["single_documents"]["wrongly_split"] <= 1


def test_the_held_out_set_is_measured_not_tuned(corpus):
    """Other months of news, other seeds, other report years: never looked at while training the model (its
    documents are all in the held-out split of bench/train_articles.py). The hand-tuned rules scored F1 0.891
    overall and 0.848 on news as plain text here; the floors below only catch a regression."""
    report = _bench().evaluate(corpus)
    held = report["held_out"]
    assert held["gold"] >= 80
    assert held["boundaries"]["f1"] >= 0.90, report["held_out_errors"]
    assert report["held_out_news_plain"]["boundaries"]["f1"] >= 0.88, report["held_out_errors"]


def _trainer():
    """bench/train_articles.py: the seeded compilations, the document split and the measuring code."""
    spec = importlib.util.spec_from_file_location("train_articles", REPO / "bench" / "train_articles.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_articles"] = module
    spec.loader.exec_module(module)
    return module


def test_the_model_beats_the_rules_on_held_out_compilations(corpus):
    """Compilations built (seeded) from held-out documents only, in every format: the shipped model against the
    hand-tuned rules it replaced, on the same files. bench/train_articles.py measures 120 of them."""
    trainer = _trainer()
    train, held = trainer.pools(corpus)
    assert not train.ids & held.ids and len(held.ids) > 1000
    assert set(held.news) == {"2020-05"} and "2020-05" not in train.news  # another month of news
    built = trainer.files(trainer.compilations(held, 40, seed=trainer.SEED + 100, group="held-out"))
    model = trainer.measure(lambda p, h: detect_articles(p, h), built, [])
    rules = trainer.measure(trainer.rules_detector, built, [])
    assert model["gold"] >= 300
    assert model["boundaries"]["f1"] >= 0.93, model["errors"]
    assert model["boundaries"]["f1"] > rules["boundaries"]["f1"] + 0.03


def test_the_model_is_small_json_read_in_pure_python():
    """Training needs scikit-learn (the [train] extra); detecting needs only the JSON and the standard library."""
    from wenku.text import articles

    assert articles.MODEL_PATH.stat().st_size < 300_000
    paragraphs = ["讲话汇编-2篇", "在座谈会上的讲话", _BODY, _BODY, "中华人民共和国主席习近平", "2020年5月17日"]
    paragraphs += ["（新华社北京5月18日电）", "在另一个会议上的讲话", _BODY, _BODY]
    code = (
        "import sys; from wenku.text.articles import detect_articles; "
        f"print(detect_articles({paragraphs!r})); "
        "print(sorted(m for m in ('sklearn', 'numpy', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    found, loaded = done.stdout.splitlines()
    assert found == "[(1, '在座谈会上的讲话'), (7, '在另一个会议上的讲话')]"
    assert loaded == "[]"


def test_a_compilation_of_hundreds_of_paragraphs_takes_milliseconds(corpus):
    bench = _bench()
    news = bench.Compilation("news", "人民日报文章汇编", bench.news(corpus, "2019-10", 25, seed=11))
    paragraphs, _, _ = news.paragraphs()
    assert len(paragraphs) >= 300
    times = []
    for _ in range(5):
        began = time.perf_counter()
        assert len(detect_articles(paragraphs)) >= 20
        times.append(time.perf_counter() - began)
    assert statistics.median(times) < 0.030, times  # measured about 2 ms


def test_the_reference_page_has_its_two_articles():
    bench = _bench()
    require(bench.REFERENCE_PAGE.is_file(), f"the reference page is not at {bench.REFERENCE_PAGE}")
    body, gold = bench.reference_page()
    assert detect_articles(body) == [(i, body[i]) for i in gold]
    assert [body[i] for i in gold] == [
        "镇党委书记参加主题教育座谈会发言材料",
        "市委书记在中心组专题学习党的主题教育工作会议精神时的交流发言",
    ]


def test_section_headings_are_not_articles():
    body = "这是正文的一段，内容完整。" * 5
    paragraphs = ["关于某项工作的报告", body, "一、原因分析", body, "（一）主要问题", body, "1. 具体表现", body]
    paragraphs += ["第一，要提高认识", body, "二、意见建议", body, "一是加强领导", body]
    assert detect_articles(paragraphs) == []
    # not even when the file marks them as headings (.docx Heading 2, <h2>)
    marked = [i for i, p in enumerate(paragraphs) if p != body and i]
    assert detect_articles(paragraphs, marked) == []
    # while titles the file marks as headings count
    pieces = ["在座谈会上的讲话", body, body, "一、原因分析", body, body]
    pieces += ["在总结大会上的讲话", body, body, "二、意见建议", body, body]
    found = detect_articles(["讲话选编", *pieces], [1, 4, 7, 10])
    assert found == [(1, "在座谈会上的讲话"), (7, "在总结大会上的讲话")]


_BODY = "这是正文的一段，内容完整，讲的是一件具体的事情。" * 4


def _news(title: str, *body: str, dateline: bool = False) -> list[str]:
    first = ("本报北京5月11日电  （记者王明）" if dateline else "") + _BODY
    return [title, first, *body, _BODY]


def _news_with_subheads() -> list[str]:
    paragraphs = ["人民日报文章选编"]
    paragraphs += _news("我国已建成5G基站19.8万个", dateline=True)
    paragraphs += _news(
        "代表委员热议脱贫攻坚（全媒看两会）", "畅通道路销路", _BODY, "聚焦深度贫困", _BODY, "衔接乡村振兴"
    )
    paragraphs += _news("上海浦东新区紧盯问题抓整改", _BODY)  # a 6-character title here would join the series
    paragraphs += _news("李克强会见美国前财政部长保尔森", dateline=True)
    return paragraphs


def test_news_subheads_in_parallel_series_are_not_articles():
    titles = [title for _, title in detect_articles(_news_with_subheads())]
    assert not {"畅通道路销路", "聚焦深度贫困", "衔接乡村振兴"} & set(titles)
    assert {"我国已建成5G基站19.8万个", "代表委员热议脱贫攻坚（全媒看两会）", "李克强会见美国前财政部长保尔森"} <= set(
        titles
    )


@pytest.mark.xfail(
    strict=True,
    reason="known miss of the trained model (chance 0.30, the rules found it): a headline with no evidence of its "
    "own (no dateline, column or end of a piece above), 96 characters after the last subhead of the article before",
)
def test_a_bare_headline_right_after_a_subhead_series_is_an_article():
    titles = [title for _, title in detect_articles(_news_with_subheads())]
    assert "上海浦东新区紧盯问题抓整改" in titles


def test_the_count_in_the_compilation_title_is_used():
    pieces = _news("印尼着力推动经济快速发展", _BODY) + _news("日本老龄化问题日趋严重", _BODY)
    pieces += _news("首届俄非峰会聚焦经贸合作", _BODY)
    assert detect_articles(["文章选编", *pieces]) == []  # bare lines: nothing says these are titles
    assert [i for i, _ in detect_articles(["文章选编-3篇", *pieces])] == [1, 5, 9]
    assert [i for i, _ in detect_articles(["文章选编（三篇）", *pieces])] == [1, 5, 9]


def test_a_signature_above_a_source_line_is_not_a_title():
    paragraphs = ["讲话汇编-2篇", "在座谈会上的讲话", _BODY, _BODY, "中华人民共和国主席习近平", "2020年5月17日"]
    paragraphs += ["（新华社北京5月18日电）", "在另一个会议上的讲话", _BODY, _BODY]
    assert detect_articles(paragraphs) == [(1, "在座谈会上的讲话"), (7, "在另一个会议上的讲话")]


def test_a_single_report_gets_no_articles(reports_dir, import_one):
    result = import_one(reports_dir / "2024.txt")
    assert Document.objects.get(pk=result.id).articles.count() == 0


@pytest.fixture
def compilation(corpus, tmp_path):
    """The speeches compilation written as a GB18030 .txt file, and its pieces."""
    bench = _bench()
    speeches = bench.Compilation("speeches", "习近平2020年重要讲话、致辞、回信汇编-9篇", bench.speeches(corpus))
    _, data = bench.render(speeches, "txt-gb18030")
    path = tmp_path / "讲话汇编.txt"
    path.write_bytes(data)
    return path, speeches


@pytest.fixture
def imported(compilation, import_one) -> Document:
    path, _ = compilation
    result = import_one(path, title="习近平2020年重要讲话、致辞、回信汇编-9篇")
    assert result.status == "imported"
    return Document.objects.get(pk=result.id)


def test_import_writes_articles_with_page_and_chars(imported, compilation):
    _, speeches = compilation
    articles = list(imported.articles.all())
    assert [a.title for a in articles] == [p.title for p in speeches.pieces]
    text = imported.full_text()
    pages = list(imported.pages.order_by("number"))
    for position, article in enumerate(articles):
        assert text[article.start :].startswith(article.title)
        assert article.start == 0 or text[article.start - 1] == "\n"
        page = pages[article.page - 1]
        assert page.start <= article.start < page.start + len(page.text) + 1
        end = articles[position + 1].start if position + 1 < len(articles) else len(text)
        assert article.chars == count_chars(text[article.start : end])
    assert imported.chars - sum(a.chars for a in articles) == count_chars(text[: articles[0].start])
    assert imported.page_count > 3 and articles[-1].page > 1


def test_docx_and_html_compilations_import_with_articles(corpus, tmp_path, import_one):
    bench = _bench()
    reports = bench.Compilation("reports", "政府工作报告选编-4篇", bench.reports(corpus, [1978, 1985, 1994, 2003]))
    for fmt in ("docx-heading", "docx-plain", "html"):
        name, data = bench.render(reports, fmt)
        path = tmp_path / f"{fmt}-{name}"
        path.write_bytes(data)
        document = Document.objects.get(pk=import_one(path).id)
        assert list(document.articles.values_list("title", flat=True)) == [p.title for p in reports.pieces], fmt


def test_the_reading_page_shows_the_table_of_contents(client, imported):
    articles = list(imported.articles.all())
    html = client.get(imported.get_absolute_url()).content.decode()
    toc = html[html.index('class="toc"') : html.index("</details>")]
    assert " open" in html[html.index("<details") : html.index("<summary>")]
    assert f"目录（共{len(articles)}篇）" in toc
    for number, article in enumerate(articles, start=1):
        assert f'href="/d/{imported.pk}/a/{number}/"' in toc
        assert f"{article.title}</a>" in toc or article.title.replace("“", "&ldquo;") in toc
        assert f"第{article.page}页 · {article.chars}字" in toc
    later = client.get(imported.page_url(2)).content.decode()
    assert '<details class="toc">' in later  # collapsed after page 1


def test_an_article_url_lands_on_its_page_at_its_title(client, imported):
    for number, article in enumerate(imported.articles.all(), start=1):
        response = client.get(f"/d/{imported.pk}/a/{number}/")
        assert response.status_code == 302
        assert response["Location"] == f"{imported.page_url(article.page)}#a{number}"
        page = client.get(imported.page_url(article.page)).content.decode()
        heading = re.search(rf'<h2 class="para-heading" id="a{number}">(.*?)</h2>', page)
        assert heading and heading.group(1).startswith(article.title[:4])
    count = imported.articles.count()
    for bad in (0, count + 1, 10**14):
        assert client.get(f"/d/{imported.pk}/a/{bad}/").status_code == 404


def test_the_page_says_which_article_it_is_in(client, imported):
    articles = list(imported.articles.all())
    pages = list(imported.pages.order_by("number"))
    for page in pages:
        covering = [a for a in articles if a.start <= page.start]
        html = client.get(imported.page_url(page.number)).content.decode()
        if covering:
            number = len(covering)
            assert f'本篇：<a href="/d/{imported.pk}/a/{number}/">' in html
        else:
            assert "本篇：" not in html


def test_the_api_lists_the_articles(client, imported, reports_dir, import_one):
    body = client.get(f"/api/documents/{imported.pk}").json()
    expected = [{"title": a.title, "page": a.page, "chars": a.chars} for a in imported.articles.all()]
    assert body["articles"] == expected and len(expected) == 9
    single = import_one(reports_dir / "1975.txt")
    assert client.get(f"/api/documents/{single.id}").json()["articles"] == []


def _admin_post(client, document: Document, rows: list[dict], extra: list[dict] = ()) -> object:
    """Post the Document admin's change form with the article rows as given (and new ones in ``extra``)."""
    data = {
        "title": document.title,
        "description": document.description,
        "category": "",
        "uploader": "",
        "visibility": document.visibility,
        "status": document.status,
        "download_policy": getattr(document, "download_policy", "everyone"),
        "created_0": document.created.strftime("%Y-%m-%d"),
        "created_1": document.created.strftime("%H:%M:%S"),
        "articles-TOTAL_FORMS": str(len(rows) + len(extra)),
        "articles-INITIAL_FORMS": str(len(rows)),
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    for i, row in enumerate([*rows, *extra]):
        for key, value in row.items():
            data[f"articles-{i}-{key}"] = value
        data[f"articles-{i}-document"] = str(document.pk)
    return client.post(f"/admin/library/document/{document.pk}/change/", data)


def _rows(document: Document) -> list[dict]:
    return [
        {"id": str(a.pk), "title": a.title, "start": str(a.start), "paragraph": ""} for a in document.articles.all()
    ]


def test_staff_rename_merge_and_split_in_the_admin(client, django_user_model, imported):
    staff = django_user_model.objects.create_superuser("boss", password="pw-long-enough-1")
    client.force_login(staff)
    assert client.get(f"/admin/library/document/{imported.pk}/change/").status_code == 200
    anonymous_before = _anonymous_page_one(imported)

    rows = _rows(imported)
    rows[0]["title"] = "第一篇：改过的标题"
    response = _admin_post(client, imported, rows)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert imported.articles.first().title == "第一篇：改过的标题"
    assert "第一篇：改过的标题" in _anonymous_page_one(imported) != anonymous_before  # the cached page was renewed

    # delete the second article: its text joins the first
    before = list(imported.articles.all())
    rows = _rows(imported)
    rows[1]["DELETE"] = "on"
    assert _admin_post(client, imported, rows).status_code == 302
    after = list(imported.articles.all())
    assert len(after) == len(before) - 1
    assert after[0].chars == before[0].chars + before[1].chars

    # split: a new article from a paragraph inside the first one
    text = imported.full_text()
    paragraphs = text.split("\n")
    first, second = after[0], after[1]
    inside = next(i for i, p in enumerate(paragraphs) if first.start < text.index(p) < second.start and len(p) > 30)
    response = _admin_post(client, imported, _rows(imported), extra=[{"title": "", "paragraph": str(inside + 1)}])
    assert response.status_code == 302
    split = list(imported.articles.all())
    assert len(split) == len(after) + 1
    new = split[1]
    assert new.title == paragraphs[inside][:300] and text[new.start :].startswith(paragraphs[inside])
    assert split[0].chars + new.chars == first.chars
    assert sum(a.chars for a in split) == sum(a.chars for a in after)


def test_bad_admin_input_is_a_form_error_not_a_500(client, django_user_model, imported):
    client.force_login(django_user_model.objects.create_superuser("boss", password="pw-long-enough-1"))
    rows = _rows(imported)
    for extra in ({"title": "x", "paragraph": "999999"}, {"title": "x", "start": "99999999"}, {"title": "x"}):
        response = _admin_post(client, imported, rows, extra=[extra])
        assert response.status_code == 200 and "errornote" in response.content.decode()
    duplicate = {"title": "重复", "start": rows[1]["start"]}
    assert _admin_post(client, imported, rows, extra=[duplicate]).status_code == 200
    assert imported.articles.count() == len(rows)


def _anonymous_page_one(document: Document) -> str:
    from django.test import Client

    return Client().get(document.get_absolute_url()).content.decode()
