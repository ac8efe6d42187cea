import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ContractError } from '../../../shared/contract';
import { isMaterialKey, MATERIAL_KEYS, MATERIALS } from '../../../shared/materials/library';
import { CameraSettings, type BackgroundMode } from '../../../shared/nodes/settings-parts';
import type { OrderLineOverrides } from '../../../shared/orders/api';
import { errorText } from '../../transport/errors';
import { useCadLibrary } from '../cad-library/cad-store';
import { useOrders, useOrdersModel } from './orders-store';

const CAMERA_ANGLES = CameraSettings.shape.angle.unwrap().options;
const ANGLE_TEXT: Record<(typeof CAMERA_ANGLES)[number], string> = {
  front: 'Front',
  side: 'Side',
  top: 'Top',
  three_quarter: 'Three-quarter',
  iso: 'Isometric',
};
const ARTIFACT_TEXT = { still: 'still image', turntable: 'turntable video', blend: '.blend scene' } as const;

type FieldKey = 'cadFileIds' | 'outputTypeKeys' | 'copies' | 'name' | 'background' | 'materialVariant' | 'cameraAngle';
type Errors = Partial<Record<FieldKey, string>>;

/** Maps the path of a backend validation error onto the field that shows it. */
function fieldOf(path: string): FieldKey | null {
  if (path.startsWith('cadFileIds')) return 'cadFileIds';
  if (path.startsWith('outputTypeKeys')) return 'outputTypeKeys';
  if (path === 'copies') return 'copies';
  if (path === 'name') return 'name';
  if (path.startsWith('overrides.background')) return 'background';
  if (path.startsWith('overrides.materialVariant')) return 'materialVariant';
  if (path.startsWith('overrides.cameraAngle')) return 'cameraAngle';
  return null;
}

function ErrorText({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <p id={id} className="field-error">
      {text}
    </p>
  );
}

/** Create an order: the chosen CAD files × output types × copies, with optional overrides. */
export function NewOrderForm() {
  const model = useOrdersModel();
  const cadFiles = useCadLibrary((s) => s.files);
  const cadLoaded = useCadLibrary((s) => s.loaded);
  const outputTypes = useOrders((s) => s.outputTypes);
  const typesLoaded = useOrders((s) => s.outputTypesLoaded);
  const typesError = useOrders((s) => s.outputTypesError);
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);

  const [cadIds, setCadIds] = useState<string[]>([]);
  const [typeKeys, setTypeKeys] = useState<string[]>([]);
  const [copies, setCopies] = useState('1');
  const [name, setName] = useState('');
  const [background, setBackground] = useState<'' | BackgroundMode>('');
  const [color, setColor] = useState('#ffffff');
  const [material, setMaterial] = useState('');
  const [angle, setAngle] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const ready = cadFiles.filter((f) => f.status === 'ready');

  // After a refused create, put the keyboard on the first field that needs attention.
  useEffect(() => {
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (first instanceof HTMLFieldSetElement) first.querySelector<HTMLElement>('input:not(:disabled)')?.focus();
    else first?.focus();
  }, [errors]);

  const toggle = (list: string[], value: string, on: boolean) => (on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setStatus('');
    setFormError(null);
    const found: Errors = {};
    const chosenCad = cadIds.filter((cid) => ready.some((f) => f.id === cid));
    const chosenTypes = typeKeys.filter((key) => outputTypes.some((t) => t.key === key && t.active));
    if (chosenCad.length === 0) found.cadFileIds = 'Choose at least one ready CAD file.';
    if (chosenTypes.length === 0) found.outputTypeKeys = 'Choose at least one active output type.';
    const copiesNumber = Number(copies);
    if (!Number.isInteger(copiesNumber) || copiesNumber < 1 || copiesNumber > 100) found.copies = 'Copies: a whole number from 1 to 100.';
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    setErrors({});

    const overrides: OrderLineOverrides = {};
    if (background === 'transparent') overrides.background = { mode: 'transparent' };
    if (background === 'color') overrides.background = { mode: 'color', color };
    if (isMaterialKey(material)) overrides.materialVariant = material;
    if (angle) overrides.cameraAngle = angle as OrderLineOverrides['cameraAngle'];

    setBusy(true);
    try {
      const order = await model.create({
        ...(name.trim() ? { name: name.trim() } : {}),
        cadFileIds: chosenCad,
        outputTypeKeys: chosenTypes,
        copies: copiesNumber,
        overrides,
      });
      setStatus(`Created ${order.name} with ${order.lines.length} ${order.lines.length === 1 ? 'line' : 'lines'}.`);
      setName('');
    } catch (error) {
      const field = error instanceof ContractError ? fieldOf(error.path) : null;
      if (field) setErrors({ [field]: errorText(error) });
      else setFormError(`The order was not created: ${errorText(error)}`);
    } finally {
      setBusy(false);
    }
  };

  const lines = cadIds.filter((cid) => ready.some((f) => f.id === cid)).length * typeKeys.length * (Number(copies) || 0);
  const err = (key: FieldKey) => (errors[key] ? `${id}-${key}-error` : undefined);

  return (
    <form ref={formRef} className="form order-form" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>New order</h2>

      <fieldset className="choice-group" aria-invalid={Boolean(errors.cadFileIds)} aria-describedby={err('cadFileIds')}>
        <legend>CAD files</legend>
        {!cadLoaded && <p className="muted">Reading the CAD library…</p>}
        {cadLoaded && ready.length === 0 && (
          <p className="muted">
            No CAD file is ready. <Link to="/cad-library">Import one in the CAD library</Link>.
          </p>
        )}
        {ready.map((cad) => (
          <label key={cad.id} className="choice">
            <input type="checkbox" checked={cadIds.includes(cad.id)} onChange={(e) => setCadIds((l) => toggle(l, cad.id, e.target.checked))} />
            {cad.name}
          </label>
        ))}
        <ErrorText id={`${id}-cadFileIds-error`} text={errors.cadFileIds} />
      </fieldset>

      <fieldset className="choice-group" aria-invalid={Boolean(errors.outputTypeKeys)} aria-describedby={err('outputTypeKeys')}>
        <legend>Output types</legend>
        {typesError && <p className="field-error">{typesError}</p>}
        {!typesLoaded && !typesError && <p className="muted">Reading the output types…</p>}
        {typesLoaded && outputTypes.length === 0 && <p className="muted">No output type yet: import legacy render presets first (lightbox legacy import).</p>}
        {outputTypes.map((type) => (
          <div key={type.key} className={`choice${type.active ? '' : ' choice-disabled'}`}>
            <label>
              <input
                type="checkbox"
                disabled={!type.active}
                checked={type.active && typeKeys.includes(type.key)}
                onChange={(e) => setTypeKeys((l) => toggle(l, type.key, e.target.checked))}
                aria-describedby={`${id}-type-${type.key}`}
              />
              {type.name}
            </label>
            <span id={`${id}-type-${type.key}`} className="muted choice-note">
              {type.key}, {ARTIFACT_TEXT[type.artifact]}, {type.executionMode} mode{type.active ? '' : ', inactive'}
            </span>
          </div>
        ))}
        <ErrorText id={`${id}-outputTypeKeys-error`} text={errors.outputTypeKeys} />
      </fieldset>

      <div className="field">
        <label htmlFor={`${id}-copies`}>Copies</label>
        <div className="field-control">
          <input
            id={`${id}-copies`}
            type="number"
            inputMode="numeric"
            min={1}
            max={100}
            step={1}
            className="narrow"
            value={copies}
            aria-invalid={Boolean(errors.copies)}
            aria-describedby={err('copies') ?? `${id}-copies-hint`}
            onChange={(e) => setCopies(e.target.value)}
          />
          <span id={`${id}-copies-hint`} className="hint">
            Lines per CAD file and output type.
          </span>
        </div>
        <div className="field-notes">
          <ErrorText id={`${id}-copies-error`} text={errors.copies} />
        </div>
      </div>

      <div className="field">
        <label htmlFor={`${id}-name`}>Order name</label>
        <div className="field-control">
          <input
            id={`${id}-name`}
            type="text"
            maxLength={200}
            placeholder="optional"
            value={name}
            aria-invalid={Boolean(errors.name)}
            aria-describedby={err('name')}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field-notes">
          <ErrorText id={`${id}-name-error`} text={errors.name} />
        </div>
      </div>

      <fieldset className="overrides">
        <legend>Overrides</legend>
        <p className="hint">Left at “from the output type”, a line renders exactly as its output type says.</p>
        <div className="field">
          <label htmlFor={`${id}-background`}>Background</label>
          <div className="field-control">
            <select
              id={`${id}-background`}
              value={background}
              aria-invalid={Boolean(errors.background)}
              aria-describedby={err('background')}
              onChange={(e) => setBackground(e.target.value as typeof background)}
            >
              <option value="">From the output type</option>
              <option value="color">Color</option>
              <option value="transparent">Transparent</option>
            </select>
            {background === 'color' && (
              <>
                <label htmlFor={`${id}-color`} className="visually-hidden">
                  Background color
                </label>
                <input id={`${id}-color`} type="color" value={color} onChange={(e) => setColor(e.target.value)} />
                <code>{color}</code>
              </>
            )}
          </div>
          <div className="field-notes">
            <ErrorText id={`${id}-background-error`} text={errors.background} />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-material`}>Material variant</label>
          <div className="field-control">
            <select
              id={`${id}-material`}
              value={material}
              aria-invalid={Boolean(errors.materialVariant)}
              aria-describedby={err('materialVariant') ?? `${id}-material-hint`}
              onChange={(e) => setMaterial(e.target.value)}
            >
              <option value="">From the output type</option>
              {MATERIAL_KEYS.map((key) => (
                <option key={key} value={key}>
                  {MATERIALS[key].title}
                </option>
              ))}
            </select>
            <span id={`${id}-material-hint`} className="hint">
              For every part the output type does not match by name.
            </span>
          </div>
          <div className="field-notes">
            <ErrorText id={`${id}-materialVariant-error`} text={errors.materialVariant} />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-angle`}>Camera angle</label>
          <div className="field-control">
            <select
              id={`${id}-angle`}
              value={angle}
              aria-invalid={Boolean(errors.cameraAngle)}
              aria-describedby={err('cameraAngle')}
              onChange={(e) => setAngle(e.target.value)}
            >
              <option value="">From the output type</option>
              {CAMERA_ANGLES.map((a) => (
                <option key={a} value={a}>
                  {ANGLE_TEXT[a]}
                </option>
              ))}
            </select>
          </div>
          <div className="field-notes">
            <ErrorText id={`${id}-cameraAngle-error`} text={errors.cameraAngle} />
          </div>
        </div>
      </fieldset>

      {formError && (
        <p role="alert" className="banner banner-error">
          {formError}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Create order
        </button>
        <span className="muted">
          {lines > 0 ? `${lines} ${lines === 1 ? 'line' : 'lines'}` : ''}
        </span>
        <span role="status" className="save-status">
          {status}
        </span>
      </div>
    </form>
  );
}
