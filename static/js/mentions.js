// Suggesting people while a viewer types @ in a box marked data-suggest-people: the server's
// options (from the closest [data-people-url]) for the name typed so far, in a listbox under
// the box. ArrowDown/ArrowUp choose, Enter or Tab completes, Escape closes; the box keeps focus
// and points at the chosen option (aria-activedescendant), as a textbox with a popup listbox.
(() => {
  "use strict";
  if (window.videologueMentions) return; // a boosted visit to another watch page runs this again
  window.videologueMentions = true;

  // The @name just before the caret, started where a mention may start (as the server parses).
  const TYPING = /(?:^|[^\p{L}\p{N}_@/])@([A-Za-z0-9_]{0,20})$/u;
  const list = document.createElement("ul");
  list.id = "people-suggestions";
  list.className = "people-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "People to mention");
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  const CARET = new Set(["ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);
  let box = null, asked = 0;

  const options = () => [...list.querySelectorAll("[role=option]")];
  const typed = (textarea) => {
    if (textarea.selectionStart !== textarea.selectionEnd) return null;
    const match = TYPING.exec(textarea.value.slice(0, textarea.selectionStart));
    return match && { start: textarea.selectionStart - match[1].length - 1, name: match[1] };
  };

  function close() {
    asked += 1; // an answer still on its way is for a box that no longer wants it
    list.hidden = true;
    status.textContent = "";
    if (box) ["aria-controls", "aria-activedescendant"].forEach((name) => box.removeAttribute(name));
    box = null;
  }

  function choose(index) {
    const all = options();
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    box.setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({ block: "nearest" });
  }

  function complete(option) {
    const textarea = box, found = typed(textarea);
    close();
    if (!found) return;
    const text = `@${option.dataset.username} `;
    textarea.setRangeText(text, found.start, textarea.selectionStart, "end");
    textarea.focus();
  }

  async function suggest(textarea) {
    const found = typed(textarea), url = textarea.closest("[data-people-url]")?.dataset.peopleUrl;
    if (!found || !url) return close();
    const mine = ++asked;
    let html;
    try {
      const response = await fetch(`${url}?q=${encodeURIComponent(found.name)}`);
      html = response.ok ? await response.text() : "";
    } catch {
      html = ""; // offline: no suggestions, and typing goes on as usual
    }
    if (mine !== asked || document.activeElement !== textarea) return;
    list.innerHTML = html; // the server escaped every username in it
    if (!options().length) return close();
    textarea.after(list, status);
    box = textarea;
    list.hidden = false;
    box.setAttribute("aria-controls", list.id);
    choose(0);
    const count = options().length;
    status.textContent = `${count} ${count === 1 ? "person" : "people"} to mention: up and down to choose, Enter to complete.`;
  }

  const hooked = (el) => el instanceof HTMLTextAreaElement && el.matches("[data-suggest-people]");
  document.addEventListener("focusin", (event) => {
    if (!hooked(event.target)) return;
    event.target.setAttribute("aria-autocomplete", "list");
    event.target.setAttribute("aria-haspopup", "listbox");
  });
  document.addEventListener("input", (event) => { if (hooked(event.target)) suggest(event.target); });
  document.addEventListener("focusout", (event) => { if (event.target === box) close(); });
  // Ahead of the page's own shortcuts (capture): while the list is open these keys are its own.
  document.addEventListener("keydown", (event) => {
    if (event.target !== box || list.hidden || event.isComposing) return;
    // Posting (Ctrl+Enter) or moving the caret ends this @name: leave the key to the page.
    if (event.ctrlKey || event.metaKey || event.altKey || CARET.has(event.key)) return close();
    const all = options(), current = all.findIndex((o) => o.getAttribute("aria-selected") === "true");
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (step) choose((current + step + all.length) % all.length);
    else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey) complete(all[current]);
    else if (event.key === "Escape") close();
    else return;
    event.preventDefault();
    event.stopPropagation();
  }, true);
  // A click on an option completes it without taking the focus from the box.
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option && box) complete(option);
  });
})();
