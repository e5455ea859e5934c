// Conversions from the config's plain strings to the k8s bindings' Quantity type.
import type { ComputeResources, ResourceRequirements } from '../config/types';
import { k8s } from './k8s';

export function quantity(value: string): k8s.Quantity {
  return k8s.Quantity.fromString(value);
}

function computeResources(r: ComputeResources): Record<string, k8s.Quantity> {
  return { cpu: quantity(r.cpu), memory: quantity(r.memory) };
}

export function resourceRequirements(r: ResourceRequirements): k8s.ResourceRequirements {
  return { requests: computeResources(r.requests), limits: computeResources(r.limits) };
}
