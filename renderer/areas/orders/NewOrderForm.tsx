import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Checkbox, ColorInput, Fieldset, Group, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { ContractError } from '../../../shared/contract';
import { isMaterialKey, MATERIAL_KEYS, MATERIALS } from '../../../shared/materials/library';
import { CameraSettings, type BackgroundMode } from '../../../shared/nodes/settings-parts';
import type { OrderLineOverrides } from '../../../shared/orders/api';
import { errorText } from '../../transport/errors';
import { useCadLibrary } from '../cad-library/cad-store';
import { useOrders, useOrdersModel } from './orders-store';
import { ImportPresetsLink } from './ImportPresetsLink';

const CAMERA_ANGLES = CameraSettings.shape.angle.unwrap().options;
const ANGLE_TEXT: Record<(typeof CAMERA_ANGLES)[number], string> = {
  front: 'Front',
  side: 'Side',
  top: 'Top',
  three_quarter: 'Three-quarter',
  iso: 'Isometric',
};
// Mantine's error red reads below 4.5:1 on light panels; the app's --fail does not.
const ERROR_STYLES = { error: { color: 'var(--fail)' } };
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
    <Text id={id} size="sm" c="var(--fail)" mt={4}>
      {text}
    </Text>
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
  const [copies, setCopies] = useState<string | number>(1);
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
    <Paper withBorder p="md" mb="md">
      <form ref={formRef} noValidate onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-heading`}>
        <Title order={2} id={`${id}-heading`} mb="sm">
          New order
        </Title>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Fieldset legend="CAD files" variant="unstyled" aria-invalid={Boolean(errors.cadFileIds)} aria-describedby={err('cadFileIds')}>
            <Stack gap={6} mt={4}>
              {!cadLoaded && <Text c="dimmed">Reading the CAD library…</Text>}
              {cadLoaded && ready.length === 0 && (
                <Text c="dimmed">
                  No CAD file is ready.{' '}
                  <Anchor component={Link} to="/cad-library">
                    Import one in the CAD library
                  </Anchor>
                  .
                </Text>
              )}
              {ready.map((cad) => (
                <Checkbox key={cad.id} label={cad.name} checked={cadIds.includes(cad.id)} onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setCadIds((l) => toggle(l, cad.id, on));
                  }} />
              ))}
            </Stack>
            <ErrorText id={`${id}-cadFileIds-error`} text={errors.cadFileIds} />
          </Fieldset>

          <Fieldset legend="Output types" variant="unstyled" aria-invalid={Boolean(errors.outputTypeKeys)} aria-describedby={err('outputTypeKeys')}>
            <Stack gap={6} mt={4}>
              {typesError && <Text c="var(--fail)">{typesError}</Text>}
              {!typesLoaded && !typesError && <Text c="dimmed">Reading the output types…</Text>}
              {typesLoaded && outputTypes.length === 0 && (
                <Text c="dimmed">
                  No output type yet: import your render presets in <ImportPresetsLink />.
                </Text>
              )}
              {outputTypes.map((type) => (
                <Checkbox
                  key={type.key}
                  label={type.name}
                  description={`${type.key}, ${ARTIFACT_TEXT[type.artifact]}, ${type.executionMode} mode${type.active ? '' : ', inactive'}`}
                  disabled={!type.active}
                  checked={type.active && typeKeys.includes(type.key)}
                  onChange={(e) => {
                    // Read now: React clears currentTarget before the state updater runs.
                    const on = e.currentTarget.checked;
                    setTypeKeys((l) => toggle(l, type.key, on));
                  }}
                />
              ))}
            </Stack>
            <ErrorText id={`${id}-outputTypeKeys-error`} text={errors.outputTypeKeys} />
          </Fieldset>
        </SimpleGrid>

        <Group align="flex-start" gap="md" mt="md">
          <NumberInput
            label="Copies"
            description="Lines per CAD file and output type."
            min={1}
            max={100}
            step={1}
            allowDecimal={false}
            w={240}
            value={copies}
            error={errors.copies} styles={ERROR_STYLES}
            onChange={setCopies}
          />
          <TextInput label="Order name" placeholder="optional" maxLength={200} w={320} value={name} error={errors.name} styles={ERROR_STYLES} onChange={(e) => setName(e.currentTarget.value)} />
        </Group>

        <Fieldset legend="Overrides" mt="md">
          <Text size="sm" c="dimmed" mb="xs">
            Left at “from the output type”, a line renders exactly as its output type says.
          </Text>
          <Group align="flex-start" gap="md">
            <NativeSelect
              label="Background"
              w={200}
              value={background}
              error={errors.background} styles={ERROR_STYLES}
              onChange={(e) => setBackground(e.currentTarget.value as typeof background)}
              data={[
                { value: '', label: 'From the output type' },
                { value: 'color', label: 'Color' },
                { value: 'transparent', label: 'Transparent' },
              ]}
            />
            {background === 'color' && <ColorInput label="Background color" format="hex" w={160} value={color} onChange={setColor} />}
            <NativeSelect
              label="Material variant"
              description="For every part the output type does not match by name."
              w={260}
              value={material}
              error={errors.materialVariant} styles={ERROR_STYLES}
              onChange={(e) => setMaterial(e.currentTarget.value)}
              data={[{ value: '', label: 'From the output type' }, ...MATERIAL_KEYS.map((key) => ({ value: key, label: MATERIALS[key].title }))]}
            />
            <NativeSelect
              label="Camera angle"
              w={200}
              value={angle}
              error={errors.cameraAngle} styles={ERROR_STYLES}
              onChange={(e) => setAngle(e.currentTarget.value)}
              data={[{ value: '', label: 'From the output type' }, ...CAMERA_ANGLES.map((a) => ({ value: a, label: ANGLE_TEXT[a] }))]}
            />
          </Group>
        </Fieldset>

        {formError && (
          <Alert role="alert" color="red" variant="light" mt="md">
            <Text c="var(--fail)">{formError}</Text>
          </Alert>
        )}
        <Group gap="sm" mt="md">
          <Button type="submit" loading={busy}>
            Create order
          </Button>
          <Text span c="dimmed">
            {lines > 0 ? `${lines} ${lines === 1 ? 'line' : 'lines'}` : ''}
          </Text>
          <Text span role="status">
            {status}
          </Text>
        </Group>
      </form>
    </Paper>
  );
}
