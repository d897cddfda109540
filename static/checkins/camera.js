// In-page camera scanning on the host's scanner page, where the page is a secure context
// (HTTPS or localhost): camera access needs one. The decoded text goes into the same field
// and the same submit as a USB scanner's typing (scanner.js sends it, or queues it offline).
// The QR reader is the vendored barcode-detector with its zxing wasm, loaded from our static
// files (never a CDN); a browser's own BarcodeDetector is used where it reads QR codes.
const button = document.getElementById("camera-button");
const form = document.getElementById("scan-form");
const input = document.getElementById("scan-code");

if (button && form && input && window.isSecureContext && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia) {
  button.hidden = false;
  const video = document.getElementById("camera-video");
  const status = document.getElementById("camera-status");
  let stream = null;
  let detector = null;
  let last = "";
  let lastAt = 0;

  async function makeDetector() {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) return new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (e) { /* fall back to the vendored reader */ }
    }
    const lib = await import(button.dataset.moduleUrl);
    const wasmUrl = button.dataset.wasmUrl;
    lib.setZXingModuleOverrides({
      locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasmUrl : prefix + path),
    });
    return new lib.BarcodeDetector({ formats: ["qr_code"] });
  }

  function stop() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    video.hidden = true;
    button.textContent = button.dataset.startText;
  }

  async function loop() {
    if (!stream) return;
    try {
      const found = await detector.detect(video);
      const text = found.length ? found[0].rawValue : "";
      const now = Date.now();
      // The same code held before the camera is read once every 3 seconds.
      if (text && (text !== last || now - lastAt > 3000)) {
        last = text;
        lastAt = now;
        input.value = text;
        form.requestSubmit();
      }
    } catch (e) { /* a frame not ready yet */ }
    window.setTimeout(loop, 250);
  }

  button.addEventListener("click", async () => {
    if (stream) { stop(); return; }
    try {
      status.textContent = button.dataset.loadingText;
      detector = detector || await makeDetector();
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      status.textContent = "";
      button.textContent = button.dataset.stopText;
      loop();
    } catch (e) {
      stop();
      status.textContent = button.dataset.failedText;
    }
  });
}
