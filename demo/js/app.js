import { pickBackend } from './backend.js';
import { readImageFile } from './image-input.js';
import { loadStudent, runStudent } from './infer.js';
import { drawPhoto, drawResult } from './render.js';

const $ = (id) => document.getElementById(id);
/** Page state, also read by the browser test: phase 'starting' | 'ready' | 'busy' | 'done' | 'error'; runs counts finished inferences. */
const demo = (window.kdDemo = { phase: 'starting', backend: null, model: null, result: null, message: null, runs: 0 });
let student = null;
let photo = null;

function setStatus(text) {
  $('status').textContent = text;
}

/** Shows a visible message (an error unless kind is 'note'); null hides it. */
function showMessage(text, kind = 'error') {
  const box = $('message');
  demo.message = text;
  box.hidden = !text;
  box.textContent = text || '';
  box.className = `message${kind === 'note' ? ' note' : ''}`;
}

async function selectModel(entry) {
  demo.phase = 'busy';
  setStatus(`loading ${entry.id}…`);
  if (student) student.model.dispose();
  student = null;
  student = await loadStudent(entry);
  demo.model = entry.id;
  $('mask-caption').textContent = student.meta.task === 'sod' ? 'saliency map' : 'labels';
  setStatus(`${entry.model} (${student.meta.inputSize.join('×')}) on ${demo.backend}; ready`);
  demo.phase = 'ready';
  if (photo) await run();
}

async function run() {
  demo.phase = 'busy';
  setStatus('running…');
  const result = await runStudent(student, photo.canvas);
  drawResult(student.meta.task, result, photo.canvas, $('mask'), $('overlay'));
  $('timing').textContent =
    `inference ${result.ms.toFixed(0)} ms (${demo.backend}, ${student.meta.inputSize.join('×')} input)`;
  $('backend-note').textContent = demo.backendNote;
  demo.result = { ...result, backend: demo.backend, model: demo.model };
  demo.runs++;
  setStatus(`${demo.model} on ${demo.backend}; done`);
  demo.phase = 'done';
}

async function onFile(file) {
  if (!file) return;
  try {
    showMessage(null);
    const img = await readImageFile(file);
    photo = img;
    drawPhoto(img.canvas, $('photo'));
    if (img.scaled)
      showMessage(`${file.name} is ${img.scaled.from.join('×')}; working at ${img.width}×${img.height}`, 'note');
    if (student) await run();
  } catch (e) {
    showMessage(e.message);
    setStatus(student ? `${demo.model} on ${demo.backend}; ready for another photo` : 'could not read the photo');
    demo.phase = 'error';
  }
}

async function main() {
  const backend = await pickBackend();
  demo.backend = backend.name;
  demo.backendNote = backend.note;
  setStatus(`backend ${demo.backend}`);
  const res = await fetch('models/index.json');
  const models = res.ok ? await res.json() : [];
  if (!models.length) {
    showMessage(
      'No exported models in demo/models/. Export one, e.g.: pnpm exp export --model csnet-l-x1 --weights ../shared/weights/csnet-L-x1.safetensors --out demo/models/csnet-l-x1 — then restart pnpm demo.',
    );
    demo.phase = 'error';
    return;
  }
  const select = $('model');
  for (const m of models) select.add(new Option(`${m.id} (${m.task}, ${m.inputSize.join('×')})`, m.id));
  const wanted = new URLSearchParams(location.search).get('model');
  if (wanted && models.some((m) => m.id === wanted)) select.value = wanted;
  select.onchange = () =>
    selectModel(models.find((m) => m.id === select.value)).catch((e) => {
      showMessage(e.message);
      demo.phase = 'error';
    });
  $('file').onchange = (ev) => onFile(ev.target.files[0]);
  const drop = $('drop');
  drop.ondragover = (ev) => {
    ev.preventDefault();
    drop.classList.add('over');
  };
  drop.ondragleave = () => drop.classList.remove('over');
  drop.ondrop = (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    onFile(ev.dataTransfer.files[0]);
  };
  await selectModel(models.find((m) => m.id === select.value));
}

main().catch((e) => {
  showMessage(e.message);
  demo.phase = 'error';
});
