// Player shim: one interface over YouTube and <video> (time in ms, seek, duration, updates), plus
// the glue that shows annotations as playback reaches them, their markers on a timeline, pausing
// while a viewer types, stretches (in and out marks), the reply and edit forms, and the watch
// page's keyboard shortcuts. Everything else is htmx.
(() => {
  "use strict";

  const timecode = (ms) => {
    const total = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  };

  // ---- players: {now(), seekTo(ms), duration(), play(), pause(), paused(), onUpdate(fn)} ----
  function html5Player(video) {
    return {
      now: () => Math.round(video.currentTime * 1000),
      seekTo: (ms) => { video.currentTime = ms / 1000; },
      duration: () => (isFinite(video.duration) ? Math.round(video.duration * 1000) : 0),
      play: () => video.play().catch(() => {}),
      pause: () => video.pause(),
      paused: () => video.paused,
      onUpdate: (fn) => ["timeupdate", "seeked", "loadedmetadata", "durationchange", "play", "pause"]
        .forEach((name) => video.addEventListener(name, fn)),
    };
  }

  function youtubePlayer(el) {
    const listeners = [];
    let yt = null, timer = null;
    const notify = () => listeners.forEach((fn) => fn());
    window.onYouTubeIframeAPIReady = () => {
      yt = new YT.Player(el.id, {
        videoId: el.dataset.youtubeId,
        playerVars: { rel: 0, playsinline: 1 },
        events: {
          onReady: notify,
          // YouTube has no time events: tick only while playing, and once on every change.
          onStateChange: (e) => {
            clearInterval(timer);
            if (e.data === YT.PlayerState.PLAYING) timer = setInterval(notify, 250);
            notify();
          },
        },
      });
    };
    const script = document.createElement("script");
    script.src = "https://www.youtube.com/iframe_api";
    document.head.append(script);
    const ready = () => yt && typeof yt.getCurrentTime === "function";
    return {
      now: () => (ready() ? Math.round(yt.getCurrentTime() * 1000) : 0),
      seekTo: (ms) => { if (ready()) { yt.seekTo(ms / 1000, true); setTimeout(notify, 50); } },
      duration: () => (ready() ? Math.round(yt.getDuration() * 1000) : 0),
      play: () => ready() && yt.playVideo(),
      pause: () => ready() && yt.pauseVideo(),
      paused: () => !ready() || yt.getPlayerState() !== YT.PlayerState.PLAYING,
      onUpdate: (fn) => listeners.push(fn),
    };
  }

  function createPlayer() {
    const el = document.querySelector("[data-player]");
    if (!el) return null;
    return el.dataset.player === "youtube" ? youtubePlayer(el) : html5Player(el);
  }

  // ---- annotations: sorted by (at, id), shown once playback reaches them ----
  const byTime = (a, b) => (+a.dataset.at - +b.dataset.at) || (+a.dataset.id - +b.dataset.id);
  // A moment stays shown once reached; a stretch (data-until) only while the playhead is in it.
  const due = (item, t) => +item.dataset.at <= t && !(item.dataset.until && t > +item.dataset.until);
  const span = (at, until) => (until ? `${timecode(at)}–${timecode(until)}` : timecode(at));
  const spanOf = (item) => span(+item.dataset.at, +item.dataset.until || 0);
  const annotationsIn = (list) => [...list.children].filter((item) => item.dataset.id);
  // The threads a filter or search leaves showing: the timeline and j/k see only these.
  // (and, of those, the ones this viewer did not mute).
  const matchedIn = (list) => annotationsIn(list).filter((item) => !item.hasAttribute("data-unmatched")
    && !item.hasAttribute("data-muted"));

  function placeSorted(list, item) {
    let next = null;
    for (const other of list.children) {
      if (other !== item && byTime(item, other) < 0) { next = other; break; }
    }
    if (item.nextElementSibling !== next || item.parentNode !== list) list.insertBefore(item, next);
  }

  // ---- a link to a moment: /watch/…?t=12.345#annotation-7 seeks there and highlights it ----
  function linkedMoment() {
    const t = new URLSearchParams(location.search).get("t") || "";
    return /^\d{1,7}(\.\d{1,3})?$/.test(t) ? Math.round(parseFloat(t) * 1000) : null;
  }

  // Returns what to call on each player update: the first one that knows the video's length
  // seeks to the linked moment. "Copy link" puts an item's link on the clipboard; without a
  // clipboard (a plain-http site), it is an ordinary link to that moment.
  function momentLinks(list, player, seek) {
    const target = /^#annotation-\d+$/.test(location.hash)
      ? document.getElementById(location.hash.slice(1)) : null;
    let pending = linkedMoment() ?? (target ? +target.dataset.at : null);
    if (target) target.dataset.highlighted = "";
    list.addEventListener("click", (event) => {
      const link = event.target.closest("[data-copy-link]");
      if (!link || !navigator.clipboard) return;
      event.preventDefault();
      navigator.clipboard.writeText(link.href).then(() => {
        link.textContent = "Link copied";
        setTimeout(() => { link.textContent = "Copy link"; }, 2000);
      }, () => { location.href = link.href; });
    });
    return () => {
      if (pending === null || !player || !player.duration()) return;
      const ms = pending;
      pending = null;
      seek(ms);
      if (target && !target.hidden) target.scrollIntoView({ block: "nearest" });
    };
  }

  // ---- timeline: one marker per annotation in the list, whatever adds or removes them ----
  function timeline(strip, list, seek) {
    const track = strip.querySelector("[data-markers]");
    const playhead = strip.querySelector("[data-playhead]");
    const tip = strip.querySelector("[data-marker-tip]");
    const markers = new Map(); // annotation element id -> its marker button
    let active = null, hovered = null, laidOutFor = 0;

    const describe = (item) => ({
      author: (item.querySelector(".author")?.textContent || "").trim(),
      body: (item.querySelector(".body")?.textContent || "").trim(),
      when: spanOf(item),
    });
    const markerFor = (item) => {
      let marker = markers.get(item.id);
      if (!marker) {
        marker = document.createElement("button");
        marker.type = "button";
        marker.className = "marker";
        marker.tabIndex = -1;
        markers.set(item.id, marker);
      }
      const { author, body, when } = describe(item);
      marker.dataset.at = item.dataset.at;
      marker.dataset.until = item.dataset.until || "";
      marker.classList.toggle("range", Boolean(item.dataset.until));
      marker.dataset.for = item.id;
      marker.setAttribute("aria-label", `${when} ${author}: ${body}`);
      return marker;
    };
    // One tab stop for the whole strip (roving tabindex); arrows move between markers.
    const activate = (marker) => {
      if (active && active !== marker) active.tabIndex = -1;
      active = marker;
      if (active) active.tabIndex = 0;
    };

    function sync() {
      const items = matchedIn(list);
      const keep = new Set(items.map((item) => item.id));
      const before = [...track.querySelectorAll(".marker")];
      const hadFocus = before.includes(document.activeElement);
      let fallback = null;
      for (const [id, marker] of markers) {
        if (keep.has(id)) continue;
        if (marker === active) { fallback = before.indexOf(marker); active = null; }
        if (marker === hovered) hideTip();
        marker.remove();
        markers.delete(id);
      }
      // Same order as the list (time, then id): walk both, inserting what is missing.
      const nextMarker = (el) => (el && el.nextElementSibling !== playhead ? el.nextElementSibling : null);
      let cursor = track.querySelector(".marker");
      for (const item of items) {
        const marker = markerFor(item);
        if (marker === cursor) cursor = nextMarker(cursor);
        else track.insertBefore(marker, cursor || playhead);
      }
      if (!active) {
        const all = track.querySelectorAll(".marker");
        activate(all[Math.min(fallback ?? 0, all.length - 1)] || null);
        if (hadFocus && active) active.focus();
      }
      laidOutFor = 0;
    }

    function update(t, duration) {
      if (strip.hidden !== !duration) strip.hidden = !duration;
      if (!duration) return;
      const place = (ms) => `${Math.min(100, Math.max(0, (ms / duration) * 100))}%`;
      if (laidOutFor !== duration) {
        // A stretch's marker spans it: from its start to its end (CSS keeps it visible when short).
        for (const marker of markers.values()) {
          const at = +marker.dataset.at, until = +marker.dataset.until;
          marker.style.left = place(at);
          marker.style.width = until ? `calc(${place(until)} - ${place(at)})` : "";
        }
        laidOutFor = duration;
      }
      for (const marker of markers.values()) marker.classList.toggle("passed", +marker.dataset.at <= t);
      playhead.style.left = place(t);
    }

    // Hovering lists every annotation whose marker sits under the pointer (close moments
    // overlap); focus, which reaches each marker on its own, shows just that one.
    const TIP_ROWS = 4;
    function showTip(marker, all) {
      const spot = marker.getBoundingClientRect();
      const shown = (all ? [...markers.values()].filter((other) => {
        const r = other.getBoundingClientRect();
        return r.right > spot.left && r.left < spot.right;
      }) : [marker]).map((m) => document.getElementById(m.dataset.for)).filter(Boolean).sort(byTime);
      const rows = shown.slice(0, TIP_ROWS).map((item) => {
        const { author, body, when } = describe(item);
        const row = document.createElement("p"), who = document.createElement("strong");
        who.textContent = `${author} · ${when}`;
        row.append(who, ` ${body}`);
        return row;
      });
      if (shown.length > TIP_ROWS) {
        const more = document.createElement("p");
        more.className = "more";
        more.textContent = `and ${shown.length - TIP_ROWS} more`;
        rows.push(more);
      }
      tip.replaceChildren(...rows);
      tip.hidden = false;
      hovered = marker;
      // Centred under the marker, but never past either end of the strip.
      const box = strip.getBoundingClientRect();
      const centre = spot.left + spot.width / 2 - box.left;
      const left = Math.min(centre - tip.offsetWidth / 2, box.width - tip.offsetWidth);
      tip.style.left = `${Math.max(0, left)}px`;
    }
    function hideTip() {
      tip.hidden = true;
      hovered = null;
    }

    track.addEventListener("click", (event) => {
      const marker = event.target.closest(".marker");
      if (!marker) return;
      activate(marker);
      seek(+marker.dataset.at);
    });
    track.addEventListener("pointerover", (event) => {
      const marker = event.target.closest(".marker");
      if (marker) showTip(marker, true);
    });
    // Keyboard focus shows its marker's tip; a click's focus does not keep one open.
    const keyboardFocus = () => track.querySelector(".marker:focus-visible");
    strip.addEventListener("pointerleave", () => {
      if (keyboardFocus()) showTip(keyboardFocus(), false);
      else hideTip();
    });
    track.addEventListener("focusin", (event) => {
      const marker = event.target.closest(".marker");
      if (!marker) return;
      activate(marker);
      if (marker.matches(":focus-visible")) showTip(marker, false);
    });
    track.addEventListener("focusout", (event) => {
      if (!track.contains(event.relatedTarget)) hideTip();
    });
    track.addEventListener("keydown", (event) => {
      const all = [...track.querySelectorAll(".marker")];
      const index = all.indexOf(document.activeElement);
      if (event.key === "Escape") { hideTip(); return; }
      const to = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: all.length - 1 }[event.key];
      if (to === undefined || index < 0 || !all[to]) return;
      event.preventDefault();
      all[to].focus();
    });

    // Moves Tab's stop to the marker of the annotation at `ms` (after a jump, say).
    const follow = (ms) => {
      const marker = [...track.querySelectorAll(".marker")].find((m) => +m.dataset.at === ms);
      if (marker) activate(marker);
    };
    return { sync, update, follow };
  }

  // ---- pause while typing: focusing the box pauses and pins `at`; a sent post resumes ----
  const PAUSE_WHILE_TYPING = "videologue:pause-while-typing";
  const remembered = (key) => { try { return localStorage.getItem(key); } catch { return null; } };
  const remember = (key, value) => { try { localStorage.setItem(key, value); } catch { /* private mode */ } };

  function typingPause(live, player, now) {
    const toggle = live.querySelector("[data-pause-typing]");
    const isBox = (el) => el instanceof HTMLElement && el.id === "annotation-body";
    // `marked`: the viewer set the moment themselves (i, or the start of a stretch); typing
    // then pauses as usual but never moves it.
    let pinned = null, pausedByUs = false, refocusing = false, holding = false, marked = false;

    const enabled = () => Boolean(toggle && toggle.checked && player);
    const pin = () => {
      if (!enabled()) return;
      if (!player.paused()) { player.pause(); pausedByUs = true; holding = !marked; }
      if (!marked) pinned = now();
    };
    if (toggle) {
      toggle.checked = remembered(PAUSE_WHILE_TYPING) !== "off";
      toggle.addEventListener("change", () => {
        remember(PAUSE_WHILE_TYPING, toggle.checked ? "on" : "off");
        if (!toggle.checked && !marked) { pinned = null; pausedByUs = false; }
      });
    }
    // pause() takes effect a moment later: until playback resumes, follow the player to where
    // it really stopped (or where the viewer seeks), so the label and the post match the picture.
    if (player) {
      player.onUpdate(() => {
        if (!player.paused()) holding = false;
        else if (holding && pinned !== null) pinned = now();
      });
    }
    live.addEventListener("focusin", (event) => { if (isBox(event.target) && !refocusing) pin(); });
    // After a post the fresh box keeps focus while playing; typing again pins the new moment.
    live.addEventListener("input", (event) => { if (isBox(event.target) && pinned === null) pin(); });
    // Leaving an empty box lets go of the moment, unless focus moves to the form's own buttons.
    live.addEventListener("focusout", (event) => {
      if (!isBox(event.target) || event.target.value.trim() || marked) return;
      if (!event.target.form?.contains(event.relatedTarget)) pinned = null;
    });
    return {
      at: () => (pinned === null ? now() : pinned),
      pinned: () => pinned !== null,
      // Pins the comment's moment at `ms`, the viewer's own choice (in mark, start of a stretch).
      mark: (ms) => { pinned = ms; marked = true; holding = false; },
      // The server stored our post and sent an empty box: resume if typing paused us, refocus.
      posted: (box) => {
        pinned = null;
        marked = false;
        if (pausedByUs && enabled()) player.play();
        pausedByUs = false;
        refocusing = true;
        box.focus();
        refocusing = false;
      },
    };
  }

  // Clicks on these inside an annotation do their own job instead of seeking.
  const CONTROLS = "a, button, input, textarea, select, label, summary, form";

  // ---- keyboard: c, i/o, j/k, space, Ctrl/Cmd+Enter, Esc, ? — letters never while typing ----
  const TEXT_FIELD = "textarea, select, [contenteditable]:not([contenteditable='false']), "
    + "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit])"
    + ":not([type=reset]):not([type=range]):not([type=color]):not([type=file])";
  // Space already means something on these (press, toggle, scroll, the video's own controls).
  const OWNS_SPACE = "button, a[href], summary, video, audio, iframe, input, select, textarea, "
    + "[role=button], [role=checkbox], [role=switch], [role=tab], [role=menuitem], [role=option], "
    + "[role=slider], [tabindex]";

  function keyboard(event, page) {
    if (event.defaultPrevented || event.isComposing) return;
    const target = event.target instanceof Element ? event.target : document.body;
    const writing = target.matches("textarea") && target.form?.matches("[data-annotate], [data-thread-form]");
    if (writing && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (writing && event.key === "Escape" && target.form.matches("[data-thread-form]")) {
      event.preventDefault();
      page.closeForm(target.form);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest(TEXT_FIELD) || target.closest("dialog[open]")) return;
    const action = {
      c: () => page.focusBox(),
      i: () => page.markIn(),
      o: () => page.markOut(),
      j: () => page.jump(-1),
      k: () => page.jump(1),
      "?": () => page.shortcuts(),
      " ": () => {
        const scrolls = target.scrollHeight > target.clientHeight && target !== document.body
          && target !== document.documentElement;
        return target.closest(OWNS_SPACE) || scrolls ? false : page.togglePlay();
      },
    }[event.key];
    if (action && action() !== false) event.preventDefault();
  }

  // ---- a stretch: the comment's end (until), set by "To now" or o once its start is pinned ----
  function stretch(form, typing, now, say, changed) {
    const until = form?.querySelector("[data-until]");
    const single = form?.querySelector("[data-single-moment]");
    const set = (ms) => {
      until.value = ms ? String(ms) : "";
      single.hidden = !ms;
      changed();
    };
    const usable = () => Boolean(form && !form.hidden);
    // i: the comment starts here (an end before it is dropped).
    const markIn = () => {
      if (!usable()) return false;
      typing.mark(now());
      if (+until.value && +until.value <= typing.at()) set(0);
      say("");
      changed();
    };
    // o, To now: it ends here, and starts at the pinned moment.
    const markOut = () => {
      if (!usable()) return false;
      const t = now();
      if (!typing.pinned() || t <= typing.at()) {
        say("A stretch must end after it starts: pin its start (press i, or start typing), "
          + "then play or seek past it and press To now (or o).");
        return;
      }
      typing.mark(typing.at());
      set(t);
      say("");
    };
    form?.querySelector("[data-to-now]")?.addEventListener("click", () => {
      markOut();
      document.getElementById("annotation-body")?.focus();
    });
    single?.addEventListener("click", () => set(0));
    return { markIn, markOut, until: () => +(until?.value || 0), clear: () => form && set(0) };
  }

  // ---- replies and edits: Reply and Edit are in every viewer's copy, hidden (showActions shows
  // them); one opens its form, cloned from the page's template, in the item's own slot. The
  // server empties the slot once the reply or edit is stored. ----
  function threadForms(list) {
    const openers = new Map(); // open form -> the button that opened it, which gets focus back
    const open = (kind, slot, itemId, text, label, button) => {
      let form = slot.querySelector("form");
      if (!form) {
        form = document.getElementById(`${kind}-form-template`).content.firstElementChild.cloneNode(true);
        form.querySelector("[data-item-id]").value = itemId;
        const box = form.querySelector("textarea");
        box.value = text;
        box.setAttribute("aria-label", label);
        slot.replaceChildren(form);
        htmx.process(form);
      }
      openers.set(form, button);
      const box = form.querySelector("textarea");
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    };
    const close = (form) => {
      const button = openers.get(form);
      form.remove();
      settle();
      if (button?.isConnected && !button.hidden) button.focus();
    };
    // Forgets forms the server closed, and gives their buttons the focus they held.
    const settle = () => {
      for (const [form, button] of openers) {
        if (form.isConnected) continue;
        openers.delete(form);
        const lost = !document.activeElement || document.activeElement === document.body;
        if (lost && button.isConnected && !button.hidden) button.focus({ preventScroll: true });
      }
    };
    list.addEventListener("click", (event) => {
      const reply = event.target.closest("[data-reply]");
      const edit = event.target.closest("[data-edit]");
      const cancel = event.target.closest("[data-cancel]");
      if (reply) {
        // A reply to a reply joins the same thread: the form is the annotation's.
        const thread = reply.closest(".annotation");
        const author = thread.querySelector(":scope > .note > .author")?.textContent || "";
        thread.querySelector(":scope > .thread").open = true;
        open("reply", thread.querySelector(":scope > .reply-slot"), thread.dataset.id, "",
          `Reply to ${author}`, reply);
      } else if (edit) {
        const item = edit.closest("[data-id]");
        const slot = item.querySelector(":scope > .note > .edit-slot, :scope > .edit-slot");
        const body = item.querySelector(".body")?.textContent || "";
        open("edit", slot, item.dataset.id, body, "Edit your text", edit);
      } else if (cancel) {
        close(cancel.closest("form"));
      }
    });
    const closeAll = () => list.querySelectorAll("[data-thread-form]").forEach((form) => form.remove());
    return { close, settle, closeAll };
  }

  // ---- filter and find: which threads match is the server's answer, #annotation-matches'
  // data-ids while it is data-active (GET /watch/{id}/matches, swapped in by htmx). Every thread
  // stays in the list, so the socket's replays and morphs always find theirs; the others are
  // marked data-unmatched, which CSS hides, and playback's own `hidden` is left alone, so a
  // match still waits for its moment. A thread that arrives stays marked until an answer lists
  // it, and a frame that changed what could match asks again, soon; never over the viewer's own
  // question in flight (its form values would undo it), but once that is answered. ----
  // Not what could match: reaction counts (a storm of them would cost a question each), nor
  // this page's own controls, forms and marks (attributes other than those below).
  const QUIET = ".reactions, .actions, .edit-slot, .reply-slot";
  const MATCHED_ON = ["data-resolved", "data-edited", "data-mentions"];
  function annotationFilter(list, changed) {
    const form = document.getElementById("annotation-filter");
    const state = () => document.getElementById("annotation-matches");
    const active = () => Boolean(state()?.hasAttribute("data-active"));
    let dirty = false, timer = null, pending = false;
    const apply = () => {
      const ids = active() ? new Set(state().dataset.ids.trim().split(/\s+/)) : null;
      let marked = false;
      for (const item of annotationsIn(list)) {
        const out = ids !== null && !ids.has(item.dataset.id);
        if (out !== item.hasAttribute("data-unmatched")) { item.toggleAttribute("data-unmatched", out); marked = true; }
      }
      if (marked) changed();
    };
    const refresh = () => {
      // At most one question per quarter second however fast changes come: changes meanwhile
      // are answered by it, since it is asked after them.
      if (!form || pending || timer || !active() || !dirty) return;
      timer = setTimeout(() => {
        timer = null;
        if (!pending) htmx.trigger(form, "videologue-refilter");
      }, 250);
    };
    const answered = () => { pending = false; refresh(); };
    const matters = (record) => {
      const node = record.target instanceof Element ? record.target : record.target.parentElement;
      return !node?.closest(QUIET);
    };
    new MutationObserver((records) => { if (records.some(matters)) { dirty = true; refresh(); } })
      .observe(list, { subtree: true, childList: true, characterData: true, attributeFilter: MATCHED_ON });
    if (form) {
      form.addEventListener("htmx:before:request", () => { pending = true; dirty = false; });
      form.addEventListener("htmx:finally:request", answered); // a link's is gone by then: below
      new MutationObserver(() => { apply(); answered(); }).observe(form, { childList: true });
    }
    return { apply };
  }

  // ---- mute for myself: a viewer hides someone's annotations and replies from their own
  // pages only. Kept in this browser (localStorage, shared by its tabs) and decided from each
  // item's data-user-id, so what the server sends stays the same bytes for everyone; a muted
  // item is marked data-muted, which CSS hides. ----
  const MUTED_KEY = "videologue:muted";
  function muting(live, list, changed) {
    const panel = live.querySelector("[data-muted-people]");
    const read = () => {
      try { return new Map(JSON.parse(localStorage.getItem(MUTED_KEY) || "[]")); } catch { return new Map(); }
    };
    let muted = read(), anyMarked = false;
    const save = () => { try { localStorage.setItem(MUTED_KEY, JSON.stringify([...muted])); } catch { /* private mode */ } };
    // Run on every change to the list: with nobody muted and nothing marked, there is nothing to look at.
    const apply = () => {
      if (!muted.size && !anyMarked) return;
      anyMarked = muted.size > 0;
      let marked = false;
      for (const item of list.querySelectorAll(".annotation[data-user-id], .reply[data-user-id]")) {
        const out = muted.has(item.dataset.userId) && item.dataset.userId !== live.dataset.viewerId;
        if (out !== item.hasAttribute("data-muted")) { item.toggleAttribute("data-muted", out); marked = true; }
      }
      if (marked) changed();
    };
    const render = () => {
      if (!panel) return;
      const buttons = [...muted].map(([id, name]) => {
        const button = document.createElement("button");
        Object.assign(button, { type: "button", className: "link", textContent: `Unmute ${name}` });
        button.dataset.unmute = id;
        return button;
      });
      const label = document.createElement("span");
      label.textContent = "Hidden for you: ";
      panel.replaceChildren(label, ...buttons);
      panel.hidden = muted.size === 0;
    };
    list.addEventListener("click", (event) => {
      const mute = event.target.closest("[data-mute]");
      const item = mute?.closest("[data-user-id]");
      if (!item) return;
      const author = item.querySelector(":scope > .note > .author, :scope > .author")?.textContent || "someone";
      muted.set(item.dataset.userId, author);
      save();
      apply();
      render();
      panel?.querySelector(`[data-unmute="${item.dataset.userId}"]`)?.focus();
    });
    panel?.addEventListener("click", (event) => {
      const unmute = event.target.closest("[data-unmute]");
      if (!unmute) return;
      muted.delete(unmute.dataset.unmute);
      save();
      apply();
      render();
      (panel.querySelector("[data-unmute]") || list).focus?.();
    });
    window.addEventListener("storage", (event) => {
      if (event.key === MUTED_KEY) { muted = read(); apply(); render(); }
    });
    new MutationObserver(apply).observe(list, { childList: true, subtree: true });
    apply();
    render();
  }

  // ---- a menu of choices for one item (reactions, report reasons): opened under the item's
  // button, it fills the item into `form` (its choices are that form's submit buttons, sent by
  // hx-ws:send), and closes on a choice, Escape, a click elsewhere or a scroll.
  function itemMenu(menu, form, opens) {
    let opener = null;
    const close = (refocus) => {
      if (menu.hidden) return;
      menu.hidden = true;
      if (refocus && opener?.isConnected) opener.focus();
      opener = null;
    };
    const open = (button) => {
      form.querySelector("[data-item-id]").value = button.closest("[data-id]").dataset.id;
      const box = button.getBoundingClientRect();
      menu.style.left = `${Math.max(4, Math.min(box.left, window.innerWidth - 240))}px`;
      menu.style.top = `${box.bottom + 4}px`;
      menu.hidden = false;
      opener = button;
      menu.querySelector("button").focus();
    };
    menu.addEventListener("click", (event) => {
      if (event.target.closest("button")) setTimeout(() => close(true));
    });
    menu.addEventListener("keydown", (event) => {
      const buttons = [...menu.querySelectorAll("button")], at = buttons.indexOf(document.activeElement);
      if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); close(true); }
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      if (step) { event.preventDefault(); buttons[(at + step + buttons.length) % buttons.length].focus(); }
    });
    document.addEventListener("click", (event) => {
      if (!menu.hidden && !menu.contains(event.target) && !event.target.closest(opens)) close(false);
    });
    window.addEventListener("scroll", () => close(false), { passive: true, capture: true });
    return { toggle: (button) => (menu.hidden || opener !== button ? open(button) : close(true)) };
  }

  // ---- reactions, resolving, reports and blocking: items carry buttons, not forms; one hidden
  // form each (#react-form, #resolve-form, #report-form, #block-form) is filled in with the item
  // (or its author) and submitted over the socket.
  function itemActions(live, list) {
    const reactForm = live.querySelector("[data-react-form]");
    const picker = live.querySelector("[data-react-picker]");
    const resolveForm = live.querySelector("[data-resolve-form]");
    const blockForm = live.querySelector("[data-block-form]");
    const reportForm = live.querySelector("[data-report-form]");
    const reactions = picker && reactForm ? itemMenu(picker, reactForm, "[data-react]") : null;
    const reasons = live.querySelector("[data-report-menu]");
    const reporting = reasons && reportForm ? itemMenu(reasons, reportForm, "[data-report]") : null;
    const toggle = (item, emoji) => {
      reactForm.querySelector("[data-item-id]").value = item.dataset.id;
      const choice = [...picker.querySelectorAll("button")].find((b) => b.value === emoji);
      if (choice) reactForm.requestSubmit(choice);
    };
    list.addEventListener("click", (event) => {
      const count = event.target.closest(".reaction"), react = event.target.closest("[data-react]");
      const resolve = event.target.closest("[data-resolve]"), block = event.target.closest("[data-block]");
      const report = event.target.closest("[data-report]");
      if (block && blockForm) {
        blockForm.querySelector("[data-item-id]").value = block.closest("[data-user-id]").dataset.userId;
        blockForm.requestSubmit();
      } else if (report && reporting) {
        reporting.toggle(report);
      } else if (count && reactForm && live.dataset.viewerId) {
        toggle(count.closest("[data-id]"), count.dataset.emoji);
      } else if (react && reactions) {
        reactions.toggle(react);
      } else if (resolve && resolveForm) {
        const item = resolve.closest("[data-id]");
        resolveForm.querySelector("[data-item-id]").value = item.dataset.id;
        resolveForm.querySelector("[data-resolved-value]").value = "resolved" in item.dataset ? "0" : "1";
        resolveForm.requestSubmit();
      }
    });
  }

  function watchPage(live) {
    const player = createPlayer();
    const list = document.getElementById("annotations");
    const notice = document.getElementById("ahead-notice");
    const status = document.getElementById("live-status");
    const clock = live.querySelector("[data-clock]");
    const form = live.querySelector("[data-annotate]");
    const strip = document.querySelector("[data-timeline]");
    const dialog = document.getElementById("shortcuts");
    let connection = null, wasLive = false, lastJump = null;

    const now = () => (player ? player.now() : 0);
    const typing = typingPause(live, player, now);
    const range = stretch(form, typing, now, say, () => reveal());
    const threads = threadForms(list);
    itemActions(live, list);
    const seek = (ms) => { if (player) { player.seekTo(ms); reveal(); } };
    const markers = strip ? timeline(strip, list, seek) : null;
    const filter = annotationFilter(list, () => { if (markers) markers.sync(); reveal(); });
    muting(live, list, () => { if (markers) markers.sync(); reveal(); });
    // The list is a polite live region: an annotation is announced when it appears, posted live
    // or reached by playback. A seek or a replay can bring dozens at once: ask screen readers to
    // let that burst pass (aria-busy) rather than read every one.
    const quietly = () => {
      list.setAttribute("aria-busy", "true");
      requestAnimationFrame(() => setTimeout(() => list.removeAttribute("aria-busy")));
    };
    const reveal = () => {
      const t = now();
      const changes = annotationsIn(list).filter((item) => item.hidden === due(item, t));
      if (changes.filter((item) => item.hidden).length > 1) quietly();
      for (const item of changes) item.hidden = !item.hidden;
      if (clock) clock.textContent = span(typing.at(), range.until());
      if (form) form.toggleAttribute("data-pinned", typing.pinned());
      if (notice && !notice.hidden && +notice.dataset.at <= t) notice.hidden = true;
      if (markers) markers.update(t, player ? player.duration() : 0);
    };
    // The change number the list is current to: every fragment ends by replacing #live-cursor,
    // and a reconnect asks for the changes after it, so nothing is missed or repeated.
    const withCursor = (url) => {
      const u = new URL(url);
      u.searchParams.set("cursor", document.getElementById("live-cursor")?.dataset.seq || "0");
      return u.toString();
    };

    filter.apply();
    if (markers) markers.sync();
    reveal();
    if (player) player.onUpdate(reveal);
    const arrive = momentLinks(list, player, seek);
    if (player) { player.onUpdate(arrive); arrive(); }

    new MutationObserver((mutations) => {
      const added = mutations.flatMap((m) => [...m.addedNodes])
        .filter((item) => item instanceof HTMLElement && item.dataset.id);
      if (added.length > 1) quietly();
      filter.apply();
      for (const item of added) {
        placeSorted(list, item);
        if (+item.dataset.at > now() && notice && !item.hasAttribute("data-unmatched")) {
          notice.textContent = `New annotation ahead at ${timecode(+item.dataset.at)}.`;
          notice.dataset.at = item.dataset.at;
          notice.hidden = false;
        }
      }
      if (markers) markers.sync();
      reveal();
    }).observe(list, { childList: true });

    // Clicking an annotation (its timecode, author or text, not its controls) plays from its
    // moment: a moment seeks there, a stretch plays from its start. Selecting text does not.
    list.addEventListener("click", (event) => {
      const target = event.target, timecodeButton = target.closest(".seek");
      const note = target.closest(".note");
      if (!timecodeButton && (!note || target.closest(CONTROLS) || String(window.getSelection()))) return;
      const item = (timecodeButton || note).closest(".annotation");
      if (!item) return;
      seek(+item.dataset.at);
      if (item.dataset.until && player) player.play();
    });

    // Back after a drop: what is per user and not in the replay (the header's unread badge)
    // is asked for again over HTTP.
    live.addEventListener("htmx:ws:after:connection", () => {
      if (wasLive) document.body.dispatchEvent(new CustomEvent("videologue-reconnected"));
      wasLive = true;
      setStatus("connected", "Live");
    });
    live.addEventListener("htmx:ws:close", (event) => {
      const code = event.detail.code;
      if (code === 4001 || code === 4401) signedOut(code === 4401
        ? "Your session expired — sign in again." : "You signed out.");
      else if (code === 4404) videoDeleted();
      else if (code >= 4410 && code <= 4412) shutOut(code === 4411 ? "This share link was revoked, so this page can no longer follow the video."
        : code === 4412 ? "This share link has expired, so this page can no longer follow the video."
        : "You may no longer watch this video: its owner changed who may.");
      else if (code === 4403) setStatus("closed", "Live updates are unavailable here.");
      else if (code === 1009) setStatus("closed", "A message was too large to send; reload the page to go live again.");
      else if (event.detail.reason === "closed") setStatus("connecting", "Reconnecting…");
    });
    live.addEventListener("htmx:ws:before:message:outgoing", (event) => {
      const values = event.detail.message.values;
      if ("at" in values) values.at = typing.at();
    });
    live.addEventListener("htmx:after:swap", () => {
      if (connection) connection.url = withCursor(connection.url);
      // Blocked, or no longer allowed to comment, while watching: the form gave way to a note
      // (`data-read-only`); nothing here speaks any more.
      if (live.querySelector("[data-read-only]") && "mayComment" in live.dataset) readOnly();
      threads.settle();
      if (markers) markers.sync(); // an edit changes a marker's label
      const fresh = document.querySelector("#annotation-body[data-fresh]");
      if (fresh) { fresh.removeAttribute("data-fresh"); typing.posted(fresh); range.clear(); reveal(); }
    });
    document.querySelector("[data-shortcuts]")?.addEventListener("click", () => shortcuts());
    dialog?.addEventListener("click", (event) => {
      if (event.target.closest("[data-close]") || event.target === dialog) dialog.close();
    });

    function setStatus(state, text) {
      status.dataset.state = state;
      status.textContent = text;
    }
    // A message for this viewer alone, in the slot the server's refusals use.
    function say(text) {
      const slot = document.getElementById("live-error");
      if (!slot) return;
      if (!text) { slot.replaceChildren(); return; }
      const message = document.createElement("p");
      message.className = "form-error";
      message.setAttribute("role", "alert");
      message.textContent = text;
      slot.replaceChildren(message);
    }
    function signedOut(text) {
      setStatus("signed-out", text);
      if (form) form.hidden = true;
      const note = live.querySelector("[data-signed-out]");
      if (note) note.hidden = false;
      delete live.dataset.viewerId;
      threads.closeAll();
      showActions(live);
    }
    // Access taken away (a revoked or expired link, a video made private): never retried.
    function shutOut(text) {
      setStatus("closed", text);
      if (form) form.hidden = true;
      readOnly();
    }
    function readOnly() {
      delete live.dataset.mayComment;
      delete live.dataset.moderator;
      threads.closeAll();
      showActions(live);
    }
    function videoDeleted() {
      setStatus("closed", "This video has been deleted.");
      if (form) form.hidden = true;
    }
    function shortcuts() {
      if (dialog && !dialog.open) dialog.showModal();
    }
    // j/k: the annotation before or after now. Right after a jump, "now" is that annotation's
    // time (a player may land a little early); later, j first skips back past the last second.
    function jump(direction) {
      if (!player) return;
      const t = now(), fromJump = lastJump !== null && Math.abs(t - lastJump) < 1000;
      const ref = fromJump ? lastJump : t;
      const times = matchedIn(list).map((item) => +item.dataset.at);
      const to = direction < 0
        ? times.filter((at) => at < (fromJump ? ref : ref - 1000)).at(-1)
        : times.find((at) => at > ref);
      if (to === undefined) return;
      lastJump = to;
      seek(to);
      if (markers) markers.follow(to);
    }
    const page = {
      focusBox: () => {
        const box = document.getElementById("annotation-body");
        if (!box || !form || form.hidden) return false;
        box.focus();
      },
      jump,
      shortcuts,
      markIn: range.markIn,
      markOut: range.markOut,
      closeForm: threads.close,
      togglePlay: () => {
        if (!player) return false;
        if (player.paused()) player.play(); else player.pause();
      },
    };
    // Every (re)connect carries the page's cursor, so the server replays only what we lack.
    const beforeConnection = (event) => {
      connection = event.detail.connection;
      connection.url = withCursor(connection.url);
      // Not the cursor: a video nobody annotated yet would say "Connecting…" through an outage.
      setStatus("connecting", wasLive ? "Reconnecting…" : "Connecting…");
    };
    window.videologuePlayer = { now, seekTo: (ms) => player && player.seekTo(ms), player };
    return { live, page, beforeConnection, started: () => connection !== null };
  }

  // Hidden tabs keep their socket: a viewer with the video in a background tab is still
  // watching, and presence should not flap each time they switch tabs.
  // A thread morphed to its new state keeps what this page decided about it: which items are
  // due (hidden), which controls this viewer gets (hidden), whether it is expanded (open),
  // whether it matches the filter (data-unmatched, until the next answer says otherwise).
  const configure = () => {
    htmx.config.ws = Object.assign(htmx.config.ws || {}, { pauseOnBackground: false });
    htmx.config.morphIgnore = [...new Set([...(htmx.config.morphIgnore || []), "hidden", "open",
      "data-unmatched", "data-muted"])];
  };
  let page = null;
  const currentPage = () => {
    const live = document.querySelector("[data-live]");
    if (live && (!page || page.live !== live)) page = watchPage(live);
    return page;
  };
  if (window.htmx) configure();
  document.addEventListener("htmx:ws:before:connection", (event) => {
    const current = currentPage();
    if (current && current.live === event.target) current.beforeConnection(event);
  });
  // One listener for the life of the tab: boosted navigation swaps pages under it.
  document.addEventListener("keydown", (event) => {
    const current = currentPage();
    if (current && current.live.isConnected) keyboard(event, current.page);
  });
  // htmx starts in a timer that can fire before the deferred hx-ws.js and this script have run
  // (seen when they arrive late): then the live element is processed without hx-ws, or its
  // socket opens unseen by this shim (no cursor, never "Live"). So the watch page's
  // hx-trigger waits for this event, and we process the element ourselves (hx-ws is loaded by
  // now; processing twice is a no-op).
  const connect = (root) => {
    const current = currentPage();
    if (current && !current.started() && root.contains(current.live)) {
      current.live.dispatchEvent(new CustomEvent("videologue-ready"));
    }
  };
  document.addEventListener("htmx:after:process", (event) => connect(event.target));
  if (currentPage()) htmx.process(page.live);

  // ---- an item's controls: every annotation and reply carries Reply, Edit and Delete, hidden;
  // this page shows Reply and React to a viewer who may comment (`data-may-comment`), Edit to
  // the item's author while they may, Delete and Resolve to its author and to the owner and
  // moderators (`data-moderator`), Mute to everyone but the author, Report to every signed-in
  // viewer but the author, and Block to moderators for anyone but themselves, the owner and the
  // video's other moderators (`data-moderator-ids`, on a moderator's page). Fragments are the same
  // bytes for every viewer, so each page decides for itself; the server refuses anyone else
  // whatever the page shows. A reaction count is pressed when `data-by` lists this viewer, and
  // read-only for a viewer who may not comment.
  const within = (root, selector) => [...(root.matches(selector) ? [root] : []), ...root.querySelectorAll(selector)];
  function showActions(root) {
    if (!(root instanceof Element)) return;
    for (const control of within(root, "[data-reply], [data-edit], [data-delete], [data-react], [data-resolve], [data-mute], [data-block], [data-report]")) {
      const live = control.closest("[data-live]"), item = control.closest("[data-user-id]");
      const viewer = live?.dataset.viewerId, mine = Boolean(viewer) && viewer === item?.dataset.userId;
      const speaks = Boolean(viewer) && "mayComment" in live.dataset;
      const moderates = Boolean(viewer) && "moderator" in live.dataset;
      const allowed = "mute" in control.dataset ? !mine
        : "report" in control.dataset ? Boolean(viewer) && !mine
        : "block" in control.dataset ? moderates && !mine && item?.dataset.userId !== live.dataset.ownerId
          && !(live.dataset.moderatorIds || "").includes(` ${item?.dataset.userId} `)
        : "reply" in control.dataset || "react" in control.dataset ? speaks
        : "edit" in control.dataset ? mine && speaks : mine || moderates;
      control.hidden = !allowed;
    }
    for (const count of within(root, ".reaction")) {
      const live = count.closest("[data-live]"), viewer = live?.dataset.viewerId;
      count.setAttribute("aria-pressed", String(Boolean(viewer) && count.dataset.by.includes(` ${viewer} `)));
      if (viewer && "mayComment" in live.dataset) count.removeAttribute("aria-disabled");
      else count.setAttribute("aria-disabled", "true");
    }
  }
  document.addEventListener("htmx:after:process", (event) => showActions(event.target));
  showActions(document.body);
})();
