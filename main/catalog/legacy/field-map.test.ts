import { describe, expect, it } from 'vitest';
import { PRESET_FIELDS } from './field-map';
import { migratePipeline, workflowParameters } from './migrate-pipeline';
import { projectPipeline, verifyPipeline } from './project';
import { shippedPipelines } from './shipped';

describe('preset fields in plain words', () => {
  it('every field has a title a person would say, not its path', () => {
    for (const f of PRESET_FIELDS) {
      expect(f.title, f.path).toMatch(/^[A-Z]/);
      expect(f.title, f.path).not.toContain(f.path);
      expect(f.title, f.path).not.toMatch(/^Preset /);
    }
    expect(new Set(PRESET_FIELDS.map((f) => f.title)).size).toBe(PRESET_FIELDS.length);
  });

  it('a migrated workflow titles its parameters in those words', () => {
    const params = workflowParameters([]);
    const title = (name: string) => params.find((p) => p.name === name)?.title;
    expect(title('renderer.samples')).toBe('Samples');
    expect(title('resolution.width')).toBe('Resolution width');
    expect(title('camera.focal_length_mm')).toBe('Focal length (mm)');
    expect(params.every((p) => p.title && !p.title.startsWith('Preset '))).toBe(true);
  });

  it('titles are not projected back: retitling every parameter leaves the projection and --verify as they were', () => {
    for (const { document: pipeline } of shippedPipelines().values()) {
      const doc = migratePipeline(pipeline);
      const titled = { ...doc, parameters: workflowParameters(doc.nodes) };
      const retitled = { ...titled, parameters: titled.parameters.map((p) => ({ ...p, title: `Something else for ${p.name}` })) };
      expect(projectPipeline(retitled), pipeline.key).toEqual(projectPipeline(titled));
      expect(verifyPipeline(pipeline, retitled), pipeline.key).toEqual(verifyPipeline(pipeline, titled));
    }
  });
});
