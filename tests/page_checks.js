() => {
  // What a person sees, measured in the page (loaded by tests/test_browser.py):
  // - low contrast: every visible text (text nodes, typed values, placeholders) against
  //   the background really behind it — the element's own and its ancestors' background
  //   colours composed over the page's, opacity included (WCAG 2 contrast ratio);
  // - overlaps: line boxes of different texts that cover each other, each clipped by the
  //   scroll containers it sits in (text scrolled out of view is not seen);
  // - overflow: text boxes that reach outside the window's width.
  const parse = (color) => {
    const m = color.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => {  // top (rgba) composed over an opaque bottom (rgb)
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a));
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const background = (element) => {
    const layers = [];
    let opacity = 1;
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      opacity *= Number(style.opacity);
      const color = parse(style.backgroundColor);
      if (color[3] > 0) layers.push(color);
      if (color[3] >= 1) break;
    }
    let rgb = [255, 255, 255];  // the window behind everything
    for (const layer of layers.reverse()) rgb = over(layer, rgb);
    return [rgb, opacity];
  };
  const visible = (element) => {
    if (!element.getClientRects().length) return false;
    const style = getComputedStyle(element);
    if (style.clip && style.clip.startsWith('rect')) return false;  // screen readers only
    return style.visibility !== 'hidden' && Number(style.opacity) > 0;
  };
  const ownText = (element) => Array.from(element.childNodes).some(
    (n) => n.nodeType === 3 && n.textContent.trim());
  const describe = (element, text) => ({
    text: text.trim().slice(0, 40),
    where: `${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''}`
      + `.${String(element.className).split(' ').slice(0, 2).join('.')}`,
  });

  const contrast = (minimum) => {
    const failures = [];
    const check = (element, colour, text) => {
      const [bg, opacity] = background(element);
      const fg = parse(colour);
      const shown = over([fg[0], fg[1], fg[2], fg[3] * opacity], bg);
      const r = ratio(shown, bg);
      if (r < minimum) failures.push({...describe(element, text), ratio: r.toFixed(2),
        color: colour, background: `rgb(${bg.map(Math.round).join(',')})`});
    };
    for (const element of document.body.querySelectorAll('*')) {
      if (!visible(element)) continue;
      if (ownText(element)) check(element, getComputedStyle(element).color, element.textContent);
      if (element.matches('input:not([type=checkbox]):not([type=radio]), textarea')) {
        if (element.value) check(element, getComputedStyle(element).color, element.value);
        else if (element.placeholder) check(
          element, getComputedStyle(element, '::placeholder').color, element.placeholder);
      }
    }
    return failures;
  };

  const clip = (rect, element) => {
    let box = {left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom};
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clip && style.clip.startsWith('rect')) return null;  // visually hidden
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const r = node.getBoundingClientRect();
      box = {left: Math.max(box.left, r.left), top: Math.max(box.top, r.top),
             right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom)};
    }
    return box.right - box.left > 1 && box.bottom - box.top > 1 ? box : null;
  };
  const textBoxes = () => {
    const boxes = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!node.textContent.trim() || !element || !visible(element)) continue;
      if (element.closest('.hidden-control, script, style')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) {
        const box = clip(rect, element);
        if (box) boxes.push({box, element, text: node.textContent});
      }
    }
    return boxes;
  };
  const overlaps = () => {
    const boxes = textBoxes();
    const found = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].box, b = boxes[j].box;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 2 && h > 2 && boxes[i].element !== boxes[j].element) {
          found.push([describe(boxes[i].element, boxes[i].text),
                      describe(boxes[j].element, boxes[j].text)]);
        }
      }
    }
    return found.slice(0, 10);
  };
  const overflows = () => {
    const width = document.documentElement.clientWidth;
    const out = textBoxes().filter(({box}) => box.right > width + 1 || box.left < -1)
      .map(({element, text}) => describe(element, text));
    return {pageWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 10)};
  };
  window.pageChecks = {contrast, overlaps, overflows};
}
