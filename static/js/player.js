// Player shim: one interface over YouTube and <video> (time in ms, seek, updates), plus the
// glue that shows annotations as playback reaches them. Everything else is htmx.
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
      onUpdate: (fn) => ["timeupdate", "seeked", "loadedmetadata", "play", "pause"]
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

  function placeSorted(list, item) {
    let next = null;
    for (const other of list.children) {
      if (other !== item && byTime(item, other) < 0) { next = other; break; }
    }
    if (item.nextElementSibling !== next || item.parentNode !== list) list.insertBefore(item, next);
  }

  function watchPage(live) {
    const player = createPlayer();
    const list = document.getElementById("annotations");
    const notice = document.getElementById("ahead-notice");
    const status = document.getElementById("live-status");
    const clock = live.querySelector("[data-clock]");
    let lastSeenId = 0, connection = null, wasLive = false;

    const now = () => (player ? player.now() : 0);
    const reveal = () => {
      const t = now();
      for (const item of list.children) item.hidden = +item.dataset.at > t;
      if (clock) clock.textContent = timecode(t);
      if (notice && !notice.hidden && +notice.dataset.at <= t) notice.hidden = true;
    };
    const noteSeen = (item) => { lastSeenId = Math.max(lastSeenId, +item.dataset.id || 0); };
    const withLastSeen = (url) => {
      const u = new URL(url);
      u.searchParams.set("last_seen_id", String(lastSeenId));
      return u.toString();
    };

    [...list.children].forEach(noteSeen);
    reveal();
    if (player) player.onUpdate(reveal);

    new MutationObserver((mutations) => {
      for (const m of mutations) {
        for (const item of m.addedNodes) {
          if (!(item instanceof HTMLElement) || !item.dataset.id) continue;
          placeSorted(list, item);
          noteSeen(item);
          if (+item.dataset.at > now() && notice) {
            notice.textContent = `New annotation ahead at ${timecode(+item.dataset.at)}.`;
            notice.dataset.at = item.dataset.at;
            notice.hidden = false;
          }
        }
      }
      if (connection) connection.url = withLastSeen(connection.url);
      reveal();
    }).observe(list, { childList: true });

    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-seek]");
      if (button && player) { player.seekTo(+button.dataset.seek); reveal(); }
    });

    live.addEventListener("htmx:ws:after:connection", () => {
      wasLive = true;
      setStatus("connected", "Live");
    });
    live.addEventListener("htmx:ws:close", (event) => {
      const code = event.detail.code;
      if (code === 4001 || code === 4401) signedOut(code === 4401
        ? "Your session expired — sign in again." : "You signed out.");
      else if (code === 4403 || code === 4404) setStatus("closed", "Live updates are unavailable here.");
      else if (event.detail.reason === "closed") setStatus("connecting", "Reconnecting…");
    });
    live.addEventListener("htmx:ws:before:message:outgoing", (event) => {
      const values = event.detail.message.values;
      if ("at" in values) values.at = now();
    });
    live.addEventListener("htmx:after:swap", () => {
      const fresh = document.querySelector("#annotation-body[data-fresh]");
      if (fresh) { fresh.removeAttribute("data-fresh"); fresh.focus(); }
    });

    function setStatus(state, text) {
      status.dataset.state = state;
      status.textContent = text;
    }
    function signedOut(text) {
      setStatus("signed-out", text);
      const form = live.querySelector("[data-annotate]");
      if (form) form.hidden = true;
      const note = live.querySelector("[data-signed-out]");
      if (note) note.hidden = false;
    }
    // Every (re)connect carries the newest id we hold, so the server replays only what we lack.
    const beforeConnection = (event) => {
      connection = event.detail.connection;
      connection.url = withLastSeen(connection.url);
      // Not lastSeenId: a video nobody annotated yet would say "Connecting…" through an outage.
      setStatus("connecting", wasLive ? "Reconnecting…" : "Connecting…");
    };
    window.videologuePlayer = { now, seekTo: (ms) => player && player.seekTo(ms), player };
    return { live, beforeConnection, started: () => connection !== null };
  }

  // Hidden tabs keep their socket: a viewer with the video in a background tab is still
  // watching, and presence should not flap each time they switch tabs.
  const configure = () => {
    htmx.config.ws = Object.assign(htmx.config.ws || {}, { pauseOnBackground: false });
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
  // htmx starts in a timer that can fire before the deferred hx-ws.js and this script have run
  // (seen when they arrive late): then the live element is processed without hx-ws, or its
  // socket opens unseen by this shim (no last_seen_id, never "Live"). So the watch page's
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

  // ---- delete buttons (issue 6): every annotation carries one, hidden; this page shows it to
  // the annotation's author and the video's owner. Fragments are the same bytes for every viewer,
  // so each page decides for itself; the server refuses anyone else whatever the page shows.
  const showDeleteButtons = (root) => {
    if (!(root instanceof Element)) return;
    for (const form of root.querySelectorAll("[data-delete]")) {
      const live = form.closest("[data-live]"), item = form.closest("[data-user-id]");
      const viewer = live?.dataset.viewerId;
      form.hidden = !viewer || (viewer !== live.dataset.ownerId && viewer !== item?.dataset.userId);
    }
  };
  document.addEventListener("htmx:after:process", (event) => showDeleteButtons(event.target));
  showDeleteButtons(document.body);
})();
