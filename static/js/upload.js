// Upload progress for a form marked data-upload-progress: when a file is chosen, the form is
// sent by XMLHttpRequest (fetch has no upload progress) and its [data-upload-status] shows
// percent, speed and time left, with a Cancel button that stops the transfer (the server then
// removes the partial file). The page the server answers with replaces this one, as a boosted
// navigation would. Without JavaScript, or without a file, the form posts as it always did.
(() => {
  if (window.videologueUploads) return;  // one listener, however often this script is run
  window.videologueUploads = true;

  const megabytes = (bytes) => `${(bytes / 1048576).toFixed(bytes < 10485760 ? 1 : 0)} MB`;
  const duration = (seconds) => {
    if (!Number.isFinite(seconds)) return "";
    const s = Math.max(1, Math.round(seconds));
    return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  };

  function showAnswer(xhr) {
    const answer = new DOMParser().parseFromString(xhr.responseText, "text/html");
    document.title = answer.title;
    document.body.replaceWith(answer.body);
    if (xhr.responseURL && xhr.responseURL !== location.href) history.pushState({}, "", xhr.responseURL);
    if (window.htmx) htmx.process(document.body);
    (document.querySelector(".flash, .form-error, h1") || document.body).focus?.();
  }

  function upload(form, submitter) {
    const status = form.querySelector("[data-upload-status]");
    const bar = status.querySelector("progress"), text = status.querySelector("[data-upload-text]");
    const cancel = status.querySelector("[data-upload-cancel]"), buttons = form.querySelectorAll("[type=submit]");
    const xhr = new XMLHttpRequest(), started = performance.now();
    const finish = (message) => {
      text.textContent = message;
      cancel.hidden = true;
      buttons.forEach((button) => { button.disabled = false; });
    };
    xhr.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      const percent = Math.floor((100 * event.loaded) / event.total);
      const speed = event.loaded / Math.max((performance.now() - started) / 1000, 0.001);
      bar.value = percent;
      text.textContent = percent < 100
        ? `Uploading… ${percent}% · ${megabytes(speed)}/s · ${duration((event.total - event.loaded) / speed)} left`
        : "Uploaded: checking the file…";
    });
    xhr.addEventListener("load", () => showAnswer(xhr));
    xhr.addEventListener("error", () => finish("The upload stopped: check your connection and try again."));
    xhr.addEventListener("abort", () => finish("Upload cancelled: nothing was kept."));
    cancel.onclick = () => xhr.abort();
    xhr.open("POST", form.action);
    buttons.forEach((button) => { button.disabled = true; });
    bar.value = 0;
    text.textContent = "Uploading… 0%";
    cancel.hidden = false;
    status.hidden = false;
    xhr.send(new FormData(form, submitter));
  }

  // In the capture phase, so it runs before htmx's boost and can keep the form from it.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-upload-progress]");
    const file = form?.querySelector("input[type=file]");
    if (!form || !file?.files.length || !form.querySelector("[data-upload-status]")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    upload(form, event.submitter);
  }, true);
})();
