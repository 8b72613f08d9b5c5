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
  // - A marker is also a chip the keyboard reaches (Tab): Enter or Space on it is a click.
  // - The chat's copy buttons copy the text as shown (no ふりがな, no markup): Gradio's own
  //   would copy the message's HTML source, e.g. "&lt;script>" for a quoted "<script>".
  // Functions other events call (scrolling once an element is shown) are on
  // window.assistantChat.

  // The language picker names each language in itself: 日本語 is Japanese text (lang="ja")
  document.querySelectorAll('#language label').forEach((label) => {
    if (label.textContent.includes('日本語')) label.setAttribute('lang', 'ja');
  });

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

  const chipMarker = (chip) => {
    const bot = chip.closest('#chat [data-testid="bot"]');
    const answers = Array.from(document.querySelectorAll('#chat [data-testid="bot"]'));
    const n = Number((chip.textContent.match(/\d+/) || ['0'])[0]);
    const k = answers.indexOf(bot);
    return k >= 0 && citedNumbers(k).includes(n) ? `${k}|${n}` : null;
  };

  const markerAt = (event) => {
    const bot = event.target.closest && event.target.closest('#chat [data-testid="bot"]');
    if (!bot) return null;
    const chip = event.target.closest('.marker');
    if (chip) return chipMarker(chip);
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
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const chip = event.target.closest && event.target.closest('#chat .marker');
    const card = event.target.closest && event.target.closest('#evidence [data-cite]');
    if (chip && chipMarker(chip)) {
      event.preventDefault();
      send('ref-target', chipMarker(chip));
    } else if (card) {
      event.preventDefault();
      send('cite-target', card.dataset.cite);
    }
  });

  // The text of an element as the reader sees it without readings: the ruby text hidden
  // for the moment of reading innerText (nothing is painted in between).
  const shownText = (element) => {
    document.body.classList.add('copying');
    try {
      return element.innerText.trim();
    } finally {
      document.body.classList.remove('copying');
    }
  };
  const messageOf = (button) => {
    for (let node = button.parentElement; node && node.id !== 'chat'; node = node.parentElement) {
      const before = Array.from(node.querySelectorAll('[data-testid="bot"], [data-testid="user"]'))
        .filter((m) => m.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING);
      if (before.length) return before[before.length - 1];
    }
    return null;
  };
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('#chat button[aria-label]');
    const label = button ? button.getAttribute('aria-label') : '';
    let copied = null;
    if (label === 'Copy message') {
      const message = messageOf(button);
      copied = message ? shownText(message) : null;
    } else if (label === 'Copy conversation') {
      copied = Array.from(document.querySelectorAll('#chat [data-testid="bot"], '
        + '#chat [data-testid="user"]')).map(shownText).join('\n\n');
    }
    if (copied === null) return;
    event.stopPropagation();  // Gradio's handler would copy the HTML source
    event.preventDefault();
    navigator.clipboard.writeText(copied).then(() => {
      button.classList.add('copied');
      setTimeout(() => button.classList.remove('copied'), 1500);
    }, () => {});
  }, true);

  // Gradio names each message for screen readers by its HTML source ("bot's message: <div
  // class=…"): name it by its text instead.
  const nameMessages = () => {
    for (const message of document.querySelectorAll(
      '#chat [data-testid="bot"], #chat [data-testid="user"]')) {
      const label = message.getAttribute('aria-label') || '';
      if (label.includes('<')) {
        message.setAttribute('aria-label', `${label.split(':')[0]}: ${shownText(message)}`);
      }
    }
  };
  new MutationObserver(nameMessages).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label']});

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
