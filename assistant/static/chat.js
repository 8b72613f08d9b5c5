() => {
  // The chat's page script (passed to Gradio's launch(js=...), run once when the page loads).
  //
  // Clicks the page turns into server calls: the value goes into a hidden textbox, whose own
  // change event runs the handler (no timing involved). Each value starts with a click
  // number, so clicking the same card twice is still a change.
  // - A source card (its data-cite "article_id|start|end") opens the article at the quote:
  //   #cite-target gets "click|article_id|start|end".
  // - A marker [n] in an answer of the chat shows that answer's sources with card n
  //   outlined: #ref-target gets "click|k|n" (the k-th answer shown in the chat). The chat's
  //   messages are plain text (so its copy buttons copy plain text), so the marker under the
  //   pointer is found from the text at the caret; only the numbers of that answer's
  //   citations (listed by the server in #chat-markers) count as markers.
  // Functions other events call (scrolling once an element is shown) are on
  // window.assistantChat.

  let clicks = 0;
  const send = (target, value) => {
    const box = document.querySelector(`#${target} textarea, #${target} input`);
    if (!box) return;
    clicks += 1;
    box.value = `${clicks}|${value}`;
    box.dispatchEvent(new Event('input', {bubbles: true}));
  };

  const citedNumbers = (k) => {
    const holder = document.querySelector('#chat-markers [data-markers]');
    try {
      const markers = JSON.parse(holder ? holder.dataset.markers : '[]');
      return Array.isArray(markers[k]) ? markers[k] : [];
    } catch (error) {
      return [];
    }
  };

  const textAtPoint = (x, y) => {
    if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      return range ? [range.startContainer, range.startOffset] : [null, 0];
    }
    if (document.caretPositionFromPoint) {
      const position = document.caretPositionFromPoint(x, y);
      return position ? [position.offsetNode, position.offset] : [null, 0];
    }
    return [null, 0];
  };

  const markerAt = (event) => {
    const bot = event.target.closest && event.target.closest('#chat [data-testid="bot"]');
    if (!bot) return null;
    const [node, offset] = textAtPoint(event.clientX, event.clientY);
    if (!node || node.nodeType !== Node.TEXT_NODE || !bot.contains(node)) return null;
    const answers = Array.from(document.querySelectorAll('#chat [data-testid="bot"]'));
    const k = answers.indexOf(bot);
    for (const match of node.textContent.matchAll(/\[(\d{1,4})\]/g)) {
      const over = match.index <= offset && offset <= match.index + match[0].length;
      if (over && citedNumbers(k).includes(Number(match[1]))) return `${k}|${match[1]}`;
    }
    return null;
  };

  document.addEventListener('click', (event) => {
    const card = event.target.closest && event.target.closest('#evidence [data-cite], #reader .guide-quote[data-cite]');
    if (card) {
      send('cite-target', card.dataset.cite);
      return;
    }
    const marker = markerAt(event);
    if (marker) send('ref-target', marker);
  });
  document.addEventListener('mousemove', (event) => {
    const bot = event.target.closest && event.target.closest('#chat [data-testid="bot"]');
    if (bot) bot.style.cursor = markerAt(event) ? 'pointer' : '';
  });

  // Scroll to an element once it is on screen (a tab switch or a re-render may still be
  // under way when an event's outputs have been applied); gives up after 3 s.
  const scrollWhenShown = (selector, block) => {
    const started = performance.now();
    const step = () => {
      const element = document.querySelector(selector);
      if (element && element.getClientRects().length) {
        element.scrollIntoView({block});
      } else if (performance.now() - started < 3000) {
        requestAnimationFrame(step);
      }
    };
    requestAnimationFrame(step);
  };
  const setClassroom = (on) => document.body.classList.toggle('classroom', Boolean(on));
  window.assistantChat = {scrollWhenShown, setClassroom};
}
