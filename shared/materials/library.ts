/**
 * The material library: keys presets and nodes refer to, with the principled-BSDF values the
 * Blender side applies. An unknown key is a validation error naming the key.
 */
export interface MaterialDef {
  title: string;
  /** Linear-ish sRGB base color, 0..1. */
  baseColor: [number, number, number];
  metallic: number;
  roughness: number;
  /** 0 opaque, 1 fully transmissive (glass). */
  transmission: number;
}

export const MATERIALS = {
  neutral_grey: { title: 'Neutral grey', baseColor: [0.5, 0.5, 0.5], metallic: 0, roughness: 0.5, transmission: 0 },
  brushed_steel: { title: 'Brushed steel', baseColor: [0.62, 0.62, 0.64], metallic: 1, roughness: 0.35, transmission: 0 },
  chrome: { title: 'Chrome', baseColor: [0.9, 0.9, 0.92], metallic: 1, roughness: 0.05, transmission: 0 },
  black_oxide: { title: 'Black oxide', baseColor: [0.05, 0.05, 0.055], metallic: 0.8, roughness: 0.45, transmission: 0 },
  anodized_blue: { title: 'Anodized blue', baseColor: [0.08, 0.22, 0.6], metallic: 0.9, roughness: 0.3, transmission: 0 },
  anodized_red: { title: 'Anodized red', baseColor: [0.6, 0.06, 0.06], metallic: 0.9, roughness: 0.3, transmission: 0 },
  matte_plastic_white: { title: 'Matte plastic, white', baseColor: [0.85, 0.85, 0.83], metallic: 0, roughness: 0.7, transmission: 0 },
  matte_plastic_black: { title: 'Matte plastic, black', baseColor: [0.03, 0.03, 0.03], metallic: 0, roughness: 0.7, transmission: 0 },
  rubber_black: { title: 'Rubber, black', baseColor: [0.02, 0.02, 0.02], metallic: 0, roughness: 0.9, transmission: 0 },
  glass_clear: { title: 'Clear glass', baseColor: [1, 1, 1], metallic: 0, roughness: 0, transmission: 1 },
} as const satisfies Record<string, MaterialDef>;

export type MaterialKey = keyof typeof MATERIALS;
export const MATERIAL_KEYS = Object.keys(MATERIALS) as MaterialKey[];

export function isMaterialKey(key: string): key is MaterialKey {
  return Object.prototype.hasOwnProperty.call(MATERIALS, key);
}

export function unknownMaterialMessage(key: string): string {
  return `unknown material "${key}"; known materials: ${MATERIAL_KEYS.join(', ')}`;
}
