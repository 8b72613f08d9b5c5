"""The Gradio chat: a thin layer over qa.Assistant. Works offline.

Offline by construction: analytics off (env + Blocks), a theme with system fonts only
(no remote font), no share link. Every article text and question is HTML-escaped before
it is shown, so markup in them is displayed, never run.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from typing import Any

from .qa import Assistant, InvalidQuestion, parse_history
from .results import Answer

EXAMPLES = [
    "ウィトコフ特使と通話したロシア高官は誰ですか？",
    "28項目案にはどんな内容が含まれていましたか？",
    "Who did Witkoff talk to on the leaked call?",
    "ブダペスト覚書とは何ですか？",
]

CSS = """
.evidence-card {border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 12px; margin: 8px 0;}
.evidence-card .meta {font-size: 0.85em; color: #57606a;}
.evidence-card p {white-space: pre-wrap;}
.evidence-card mark {background: #fff3a3; color: inherit; padding: 0 2px;}
.evidence-query {font-size: 0.8em; color: #57606a;}
"""


def passage_html(text: str, passage_start: int, quote_start: int, quote_end: int) -> str:
    """The passage, escaped, with the quoted sentence marked."""
    a, b = quote_start - passage_start, quote_end - passage_start
    return (html.escape(text[:a]) + "<mark>" + html.escape(text[a:b]) + "</mark>"
            + html.escape(text[b:]))


def evidence_html(answer: Answer) -> str:
    """Cards for the cited passages of one answer."""
    parts = []
    if answer.query != answer.question:
        parts.append(f'<div class="evidence-query">検索: {html.escape(answer.query)}</div>')
    if answer.abstained:
        parts.append("<p>—</p>")
    for c in answer.citations:
        passage_start = c.start - c.text.find(c.quote) if c.quote in c.text else c.start
        meta = " · ".join(html.escape(x) for x in (c.section, c.published) if x)
        parts.append(
            f'<div class="evidence-card" id="cite-{c.n}"><b>[{c.n}] {html.escape(c.title)}</b>'
            f'<div class="meta">{meta} · score {c.score:.2f}</div>'
            f"<p>{passage_html(c.text, passage_start, c.start, c.end)}</p></div>"
        )
    return "\n".join(parts)


def chat_text(answer: Answer) -> str:
    """The answer as shown in the chat: a notice first, unsupported sentences named."""
    parts = [f"⚠ {answer.notice}"] if answer.notice else []
    parts.append(answer.answer)
    unsupported = [s.text for s in answer.sentences if s.unsupported]
    if unsupported:
        label = "記事に根拠のない文" if answer.language == "ja" else "Not backed by the articles"
        parts.append(f"⚠ {label}: " + " / ".join(unsupported))
    return "\n\n".join(parts)


def history_from_chat(chat: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The conversation as [{role, content}] from Gradio's message list."""
    turns = []
    for message in chat or []:
        content = message.get("content")
        if isinstance(content, list):  # Gradio may hand back content parts
            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
        if message.get("role") in ("user", "assistant") and isinstance(content, str):
            turns.append({"role": message["role"], "content": content})
    return turns


def build_app(assistant: Assistant) -> Any:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    def respond(message: str, chat: list[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
        """Stream the model's text when one is configured, then show the checked answer."""
        chat = list(chat or [])
        turns = parse_history(history_from_chat(chat))
        chat += [{"role": "user", "content": message or ""},
                 {"role": "assistant", "content": ""}]
        answer = None
        try:
            for event in assistant.ask_stream(message, turns):
                if isinstance(event, str):
                    chat[-1] = {"role": "assistant", "content": chat[-1]["content"] + event}
                    yield chat, "", ""
                else:
                    answer = event
        except InvalidQuestion as err:
            chat[-1] = {"role": "assistant", "content": f"⚠ {err}"}
            yield chat, "", ""
            return
        assert answer is not None
        chat[-2:] = [{"role": "user", "content": answer.question},
                     {"role": "assistant", "content": chat_text(answer)}]
        yield chat, "", evidence_html(answer)

    def ask_api(question: str, history: list[dict[str, str]] | None = None) -> dict[str, Any]:
        """Answer a question; returns the JSON object of `assistant ask --json`."""
        try:
            answer = assistant.ask(question, parse_history(history))
        except InvalidQuestion as err:
            raise gr.Error(str(err)) from err
        return answer.to_dict()

    with gr.Blocks(title="記事Q&A · News Q&A", analytics_enabled=False) as app:
        gr.Markdown("## 記事Q&A · Ask the articles\n"
                    "答えの各文に出典 [n] が付きます。 Every sentence cites its source.")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=480, render_markdown=False)
                question = gr.Textbox(label="質問 / Question", lines=1, autofocus=True)
                with gr.Row():
                    send = gr.Button("質問する / Ask", variant="primary")
                    clear = gr.Button("クリア / Clear")
                gr.Examples(EXAMPLES, inputs=question, label="例 / Examples")
            with gr.Column(scale=2):
                gr.Markdown("### 出典 / Evidence")
                evidence = gr.HTML()
        send.click(respond, [question, chat], [chat, question, evidence], api_visibility="private")
        question.submit(respond, [question, chat], [chat, question, evidence],
                        api_visibility="private")
        clear.click(lambda: ([], "", ""), None, [chat, question, evidence],
                    api_visibility="private")
        gr.api(ask_api, api_name="ask",
               concurrency_limit=assistant.settings.api_concurrency)
    return app


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860) -> None:
    import gradio as gr

    app = build_app(assistant)
    theme = gr.themes.Default(font=["system-ui", "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    print(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    app.launch(server_name=host, server_port=port, share=False, theme=theme, css=CSS,
               footer_links=["api"], quiet=True)
