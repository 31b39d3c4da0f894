/**
 * The fused group of the webgpu backend in WGSL (written on branch wt-gpuk; until it is merged,
 * every fused kernel is composed from the primitives by the client).
 */
export {};
