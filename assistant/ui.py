"""The Gradio chat: a thin layer over qa.Assistant (rendering lives in views.py).

Offline by construction: analytics off (env + Blocks), a theme with system fonts only
(no remote font), no share link. Every article text and question is HTML-escaped before
it is shown, so markup in them is displayed, never run.

Tabs: the chat (answers with source cards; a click on a card opens the article there)
and the article browser (list, reader, "ask about this article"). A language switch
(default from the browser), classroom mode (large type, high contrast, one answer at a
time, sources revealed one by one), Markdown export, and the `ask` API endpoint.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported
import gradio as gr

from .qa import Assistant, InvalidQuestion, Turn, parse_history
from .results import Answer
from .views import (
    LANGUAGE_CHOICES,
    article_html,
    article_rows,
    chat_markup,
    chat_text,
    conversation_markdown,
    evidence_html,
    load_examples,
    text,
)

CSS = """
.evidence-card {border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 12px; margin: 8px 0;
  cursor: pointer;}
.evidence-card:hover, .evidence-card:focus {border-color: #0969da; outline: none;}
.evidence-card.selected {border-color: #0969da; box-shadow: 0 0 0 2px #0969da;}
.evidence-for {font-size: 0.85em; color: #57606a; margin-bottom: 4px;}
.evidence-card .meta, .reader .meta {font-size: 0.85em; color: #57606a;}
.evidence-card p, .reader p {white-space: pre-wrap;}
.evidence-card mark, .reader mark {background: #fff3a3; color: inherit; padding: 0 2px;}
.evidence-card .score {font-size: 0.8em; color: #57606a;}
.evidence-query {font-size: 0.8em; color: #57606a;}
.muted {color: #57606a;}
.hidden-control {display: none !important;}
body.classroom, body.classroom gradio-app {font-size: 150%; background: #000 !important;}
body.classroom .gradio-container {background: #000 !important; color: #fff !important;
  --body-text-color: #fff; --block-background-fill: #000; --background-fill-primary: #000;
  --background-fill-secondary: #111; --body-background-fill: #000; --border-color-primary: #fff;
  --block-label-text-color: #fff; --input-background-fill: #111;
  --block-label-background-fill: #000; --block-title-text-color: #fff;}
body.classroom .gradio-container * {font-size: 1.3rem;}
body.classroom .message, body.classroom .reader, body.classroom .evidence-card {
  color: #fff !important; background: #000 !important;}
body.classroom .evidence-card {border: 2px solid #fff;}
body.classroom .evidence-card.selected {border-color: #ffe600; box-shadow: 0 0 0 3px #ffe600;}
body.classroom mark {background: #ffe600 !important; color: #000 !important;}
"""

# Clicks the page turns into server calls: a value goes into a hidden textbox, then a
# hidden button runs the handler. A source card (its data-cite) opens the article at the
# quote. A marker [n] in an answer of the chat shows that answer's sources with card n
# outlined: the chat's messages are plain text (so its copy buttons copy plain text), so
# the marker under the pointer is found from the text at the caret, and sent as
# "k|n" (the k-th answer shown in the chat, citation n).
JS = r"""
() => {
  const send = (target, button, value) => {
    const box = document.querySelector(`#${target} textarea, #${target} input`);
    if (!box) return;
    box.value = value;
    box.dispatchEvent(new Event('input', {bubbles: true}));
    setTimeout(() => document.querySelector(`#${button}`)?.click(), 100);
  };
  const markerAt = (event) => {
    const bot = event.target.closest && event.target.closest('#chat [data-testid="bot"]');
    if (!bot) return null;
    let node = null, offset = 0;
    if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(event.clientX, event.clientY);
      if (range) { node = range.startContainer; offset = range.startOffset; }
    } else if (document.caretPositionFromPoint) {
      const position = document.caretPositionFromPoint(event.clientX, event.clientY);
      if (position) { node = position.offsetNode; offset = position.offset; }
    }
    if (!node || node.nodeType !== Node.TEXT_NODE || !bot.contains(node)) return null;
    for (const match of node.textContent.matchAll(/\[(\d+)\]/g)) {
      if (match.index <= offset && offset <= match.index + match[0].length) {
        const answers = Array.from(document.querySelectorAll('#chat [data-testid="bot"]'));
        return `${answers.indexOf(bot)}|${match[1]}`;
      }
    }
    return null;
  };
  document.addEventListener('click', (event) => {
    const card = event.target.closest && event.target.closest('[data-cite]');
    if (card) { send('cite-target', 'open-cite', card.dataset.cite); return; }
    const marker = markerAt(event);
    if (marker) send('ref-target', 'open-ref', marker);
  });
  document.addEventListener('mousemove', (event) => {
    const bot = event.target.closest && event.target.closest('#chat [data-testid="bot"]');
    if (bot) bot.style.cursor = markerAt(event) ? 'pointer' : '';
  });
}
"""
LOAD_JS = """
(language, classroom) => {
  const lang = (navigator.language || 'ja').toLowerCase().startsWith('ja') ? '日本語'
    : ((navigator.language || '').toLowerCase().startsWith('en') ? 'English' : '日本語');
  document.body.classList.toggle('classroom', classroom);
  return [lang, classroom];
}
"""
CLASSROOM_JS = ("(...inputs) => { document.body.classList.toggle('classroom', inputs[0]); "
                "return inputs; }")
SCROLL_JS = ("() => { setTimeout(() => document.getElementById('reader-mark')"
             "?.scrollIntoView({block: 'center'}), 300); }")
SELECTED_SCROLL_JS = ("() => { setTimeout(() => document.querySelector('#evidence .selected')"
                      "?.scrollIntoView({block: 'nearest'}), 100); }")


def shown_messages(conversation: list[dict[str, Any]], classroom: bool
                   ) -> list[dict[str, Any]]:
    """The conversation's messages the chat shows: one exchange at a time in classroom
    mode."""
    return conversation[-2:] if classroom else conversation


def shown_chat(conversation: list[dict[str, Any]], classroom: bool) -> list[dict[str, str]]:
    """The messages to display, markup escaped (the chat renders HTML, and would drop a
    `<script>` in a question instead of showing it). The conversation itself is kept as
    typed, for follow-ups; its answer messages also carry their index in the answers."""
    return [{"role": m["role"], "content": chat_markup(m["content"])}
            for m in shown_messages(conversation, classroom)]


def answer_shown_at(conversation: list[dict[str, Any]], classroom: bool, k: int) -> int | None:
    """Which answer (index into the answers state) the k-th assistant message in the chat
    shows; None for a message that is no answer (an error) or no message at all."""
    replies = [m for m in shown_messages(conversation, classroom) if m["role"] == "assistant"]
    return replies[k].get("answer") if 0 <= k < len(replies) else None


def build_app(assistant: Assistant, classroom: bool = False) -> Any:
    examples = load_examples(assistant.settings.corpus_dir)
    export_dir = Path(tempfile.mkdtemp(prefix="assistant-export-"))

    def example_messages(language: str) -> list[dict[str, str]]:
        other = "en" if language == "ja" else "ja"
        return [{"text": q} for q in examples[language] + examples[other]]

    def article_choices() -> list[tuple[str, str]]:
        return [(a.title or a.id, a.id) for a in assistant.list_articles()]

    def export_file(answers: list[dict[str, Any]], language: str) -> str | None:
        if not answers:
            return None
        path = export_dir / f"conversation-{len(answers)}.md"
        path.write_text(conversation_markdown(answers, language), encoding="utf-8")
        return str(path)

    def answer_in_chat(message: str, conversation: list[dict[str, str]],
                       answers: list[dict[str, Any]], scope: str | None, classroom_on: bool,
                       language: str) -> Iterator[tuple[Any, ...]]:
        """Stream an answer into the chat; keep the whole conversation for follow-ups."""
        lang = LANGUAGE_CHOICES.get(language, "ja")
        conversation = list(conversation or [])
        turns = [Turn(m["role"], m["content"]) for m in conversation]
        conversation += [{"role": "user", "content": message or ""},
                         {"role": "assistant", "content": ""}]
        answer: Answer | None = None
        try:
            for event in assistant.ask_stream(message, turns,
                                              article_ids=[scope] if scope else None):
                if isinstance(event, str):
                    conversation[-1] = {"role": "assistant",
                                        "content": conversation[-1]["content"] + event}
                    yield (shown_chat(conversation, classroom_on), conversation, answers, "",
                           gr.update(), 0, gr.update())
                else:
                    answer = event
        except InvalidQuestion as err:
            conversation[-1] = {"role": "assistant", "content": f"⚠ {err}"}
            yield (shown_chat(conversation, classroom_on), conversation, answers, "",
                   gr.update(), 0, gr.update())
            return
        assert answer is not None
        conversation[-2:] = [{"role": "user", "content": answer.question},
                             {"role": "assistant", "content": chat_text(answer),
                              "answer": len(answers)}]
        answers = [*answers, answer.to_dict()]
        revealed = 1 if classroom_on else len(answer.citations)
        yield (shown_chat(conversation, classroom_on), conversation, answers, "",
               evidence_html(answers[-1], lang, revealed), revealed,
               gr.update(value=export_file(answers, lang)))

    def retry(conversation: list[dict[str, str]], answers: list[dict[str, Any]],
              scope: str | None, classroom_on: bool, language: str
              ) -> Iterator[tuple[Any, ...]]:
        """Ask the last question again (e.g. after a model fell back)."""
        if len(conversation or []) < 2:
            return
        last = conversation[-2]["content"]
        kept = answers[:-1] if conversation[-1].get("answer") is not None else answers
        yield from answer_in_chat(last, conversation[:-2], kept, scope, classroom_on,
                                  language)

    def start_over(language: str) -> tuple[Any, ...]:
        """Clear (our button or the chat's own 🗑): the conversation, its answers and
        sources, the export — not only what the chat shows."""
        return ([], [], [], "", evidence_html(None, LANGUAGE_CHOICES.get(language, "ja")), 0,
                gr.update(value=None))

    def reveal_next(answers: list[dict[str, Any]], revealed: int,
                    language: str) -> tuple[str, int]:
        if not answers:
            return evidence_html(None, LANGUAGE_CHOICES.get(language, "ja")), 0
        revealed = min(revealed + 1, len(answers[-1]["citations"]))
        return evidence_html(answers[-1], LANGUAGE_CHOICES.get(language, "ja"), revealed), revealed

    def show_reference(target: str, conversation: list[dict[str, Any]],
                       answers: list[dict[str, Any]], classroom_on: bool, revealed: int,
                       language: str) -> tuple[Any, int]:
        """A marker [n] was clicked in the chat ("k|n": the k-th answer shown, citation n):
        that answer's sources, card n outlined (in classroom mode revealed up to n)."""
        k, _, n = (target or "").partition("|")
        index = answer_shown_at(conversation or [], classroom_on, int(k)) \
            if k.isdigit() else None
        if index is None or index >= len(answers or []) or not n.isdigit():
            return gr.update(), revealed
        answer = answers[index]
        selected = min(max(int(n), 1), len(answer["citations"]))
        latest = index == len(answers) - 1
        shown = None
        if classroom_on and latest:
            revealed = shown = max(revealed, selected)
        return (evidence_html(answer, LANGUAGE_CHOICES.get(language, "ja"), shown, selected,
                              earlier=not latest), revealed)

    def set_classroom(on: bool, conversation: list[dict[str, str]],
                      answers: list[dict[str, Any]], language: str) -> tuple[Any, ...]:
        lang = LANGUAGE_CHOICES.get(language, "ja")
        revealed = (1 if on else len(answers[-1]["citations"])) if answers else 0
        return (shown_chat(conversation or [], on), gr.update(visible=on),
                evidence_html(answers[-1] if answers else None, lang, revealed), revealed)

    def open_citation(target: str, language: str) -> tuple[Any, ...]:
        """A source card was clicked: the article at the quote, in the reader tab."""
        article_id, _, span = (target or "").partition("|")
        start, _, end = span.partition("|")
        articles = {a.id: a for a in assistant.articles()}
        article = articles.get(article_id)
        lang = LANGUAGE_CHOICES.get(language, "ja")
        html_view = article_html(article, lang, int(start or -1), int(end or -1))
        return gr.Tabs(selected="articles"), html_view, gr.update(value=article_id or None)

    def show_article(article_id: str | None, language: str) -> str:
        articles = {a.id: a for a in assistant.articles()}
        return article_html(articles.get(article_id or ""), LANGUAGE_CHOICES.get(language, "ja"))

    def scope_text(scope: str | None, language: str) -> str:
        lang = LANGUAGE_CHOICES.get(language, "ja")
        if not scope:
            return text(lang, "scope_all")
        titles = {i: t for t, i in article_choices()}
        return text(lang, "scope_one") + titles.get(scope, scope)

    def ask_about(article_id: str | None, language: str) -> tuple[Any, ...]:
        lang = LANGUAGE_CHOICES.get(language, "ja")
        return (article_id or None, scope_text(article_id, language),
                gr.update(visible=bool(article_id), value=text(lang, "scope_clear")),
                gr.Tabs(selected="chat"))

    def relabel(language: str, scope: str | None) -> tuple[Any, ...]:
        lang = LANGUAGE_CHOICES.get(language, "ja")
        t = lambda key: text(lang, key)  # noqa: E731 - a local shorthand
        return (
            t("title"), gr.update(label=t("question"), placeholder=t("placeholder")),
            gr.update(value=t("ask")), gr.update(value=t("clear")), f"### {t('evidence')}",
            gr.update(value=t("next_citation")), gr.update(label=t("classroom")),
            gr.update(label=t("export")), gr.update(label=t("chat_tab")),
            gr.update(label=t("articles_tab")), gr.update(value=t("ask_article")),
            gr.update(label=t("pick_article")),
            gr.update(headers=t("list_headers").split("|")),
            scope_text(scope, language), gr.update(value=t("scope_clear")),
            gr.update(examples=example_messages(lang), label=t("chat_tab")),
            gr.update(label=t("language")),
        )

    with gr.Blocks(title="記事Q&A · News Q&A", analytics_enabled=False) as app:
        conversation = gr.State([])
        answers = gr.State([])
        revealed = gr.State(0)
        scope = gr.State(None)
        with gr.Row(equal_height=True):
            header = gr.Markdown(text("ja", "title"), elem_id="header")
            with gr.Column(scale=0, min_width=320):
                language = gr.Radio(list(LANGUAGE_CHOICES), value="日本語",
                                    label=text("ja", "language"), elem_id="language")
                classroom_box = gr.Checkbox(value=classroom, label=text("ja", "classroom"),
                                            elem_id="classroom")
                export = gr.DownloadButton(text("ja", "export"), value=None, size="sm",
                                           elem_id="export")
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab(text("ja", "chat_tab"), id="chat") as chat_tab, gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label=text("ja", "chat_tab"), height=460, render_markdown=False,
                        buttons=["copy", "copy_all"], examples=example_messages("ja"),
                        elem_id="chat",
                    )
                    with gr.Row():
                        scope_line = gr.Markdown(text("ja", "scope_all"), elem_id="scope")
                        scope_clear = gr.Button(text("ja", "scope_clear"), size="sm",
                                                visible=False, elem_id="scope-clear")
                    question = gr.Textbox(label=text("ja", "question"), lines=1,
                                          placeholder=text("ja", "placeholder"),
                                          autofocus=True, elem_id="question")
                    with gr.Row():
                        send = gr.Button(text("ja", "ask"), variant="primary", elem_id="ask")
                        clear = gr.Button(text("ja", "clear"), elem_id="clear")
                with gr.Column(scale=2):
                    evidence_title = gr.Markdown(f"### {text('ja', 'evidence')}")
                    evidence = gr.HTML(evidence_html(None), elem_id="evidence")
                    next_cite = gr.Button(text("ja", "next_citation"), visible=classroom,
                                          elem_id="next-citation")
            with gr.Tab(text("ja", "articles_tab"), id="articles") as articles_tab:
                table = gr.Dataframe(
                    value=article_rows(assistant.list_articles()),
                    headers=text("ja", "list_headers").split("|"), interactive=False,
                    elem_id="article-list",
                )
                with gr.Row():
                    picker = gr.Dropdown(article_choices(), label=text("ja", "pick_article"),
                                         value=None, elem_id="article-picker")
                    ask_article = gr.Button(text("ja", "ask_article"), elem_id="ask-article")
                reader = gr.HTML(article_html(None, "ja"), elem_id="reader")
        cite_target = gr.Textbox(elem_id="cite-target", elem_classes=["hidden-control"],
                                 show_label=False, container=False)
        open_cite = gr.Button("open", elem_id="open-cite", elem_classes=["hidden-control"])
        ref_target = gr.Textbox(elem_id="ref-target", elem_classes=["hidden-control"],
                                show_label=False, container=False)
        open_ref = gr.Button("show", elem_id="open-ref", elem_classes=["hidden-control"])

        ask_inputs = [question, conversation, answers, scope, classroom_box, language]
        ask_outputs = [chatbot, conversation, answers, question, evidence, revealed, export]
        send.click(answer_in_chat, ask_inputs, ask_outputs, api_visibility="private")
        question.submit(answer_in_chat, ask_inputs, ask_outputs, api_visibility="private")
        def pick_example(event: gr.SelectData) -> str:
            return event.value["text"]

        chatbot.example_select(pick_example, None, question, api_visibility="private").then(
            answer_in_chat, ask_inputs, ask_outputs, api_visibility="private")
        chatbot.retry(retry, [conversation, answers, scope, classroom_box, language],
                      ask_outputs, api_visibility="private")
        clear.click(start_over, language, ask_outputs, api_visibility="private")
        chatbot.clear(start_over, language, ask_outputs, api_visibility="private")  # its 🗑
        next_cite.click(reveal_next, [answers, revealed, language], [evidence, revealed],
                        api_visibility="private")
        classroom_box.change(set_classroom, [classroom_box, conversation, answers, language],
                             [chatbot, next_cite, evidence, revealed], js=CLASSROOM_JS,
                             api_visibility="private")
        open_cite.click(open_citation, [cite_target, language], [tabs, reader, picker],
                        api_visibility="private").then(None, js=SCROLL_JS)
        open_ref.click(show_reference,
                       [ref_target, conversation, answers, classroom_box, revealed, language],
                       [evidence, revealed], api_visibility="private"
                       ).then(None, js=SELECTED_SCROLL_JS)
        picker.input(show_article, [picker, language], reader, api_visibility="private")
        ask_article.click(ask_about, [picker, language], [scope, scope_line, scope_clear, tabs],
                          api_visibility="private")
        scope_clear.click(ask_about, [gr.State(None), language],
                          [scope, scope_line, scope_clear, tabs], api_visibility="private")
        language.change(relabel, [language, scope], [
            header, question, send, clear, evidence_title, next_cite, classroom_box, export,
            chat_tab, articles_tab, ask_article, picker, table, scope_line, scope_clear,
            chatbot, language], api_visibility="private")
        app.load(None, [language, classroom_box], [language, classroom_box], js=LOAD_JS,
                 api_visibility="private")

        def ask_api(question: str, history: list[dict[str, str]] | None = None
                    ) -> dict[str, Any]:
            """Answer a question; returns the JSON object of `assistant ask --json`."""
            try:
                answer = assistant.ask(question, parse_history(history))
            except InvalidQuestion as err:
                raise gr.Error(str(err)) from err
            return answer.to_dict()

        gr.api(ask_api, api_name="ask", concurrency_limit=assistant.settings.api_concurrency)
    return app


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860,
          classroom: bool = False, auth: tuple[str, str] | None = None) -> None:
    app = build_app(assistant, classroom=classroom)
    theme = gr.themes.Default(font=["system-ui", "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    print(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    app.launch(server_name=host, server_port=port, share=False, theme=theme, css=CSS, js=JS,
               footer_links=["api"], quiet=True, auth=[auth] if auth else None,
               auth_message="記事Q&A · News Q&A")
