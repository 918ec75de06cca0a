/**
 * Parameter types turn the words of a sentence into validated values once, so steps
 * receive typed values. Transformers run with the World as `this`, so a malformed
 * value fails with the step's text and feature file:line.
 */
import { defineParameterType } from '@cucumber/cucumber';
import type { PortMapping } from '../src/backends/backend.ts';
import {
  type HttpUrl,
  parseCidr,
  parseCount,
  parseHttpUrl,
  parseIp,
  parseName,
  parsePortMapping,
} from './lib/values.ts';
import type { NettwinWorld } from './world.ts';

const QUOTED = /"([^"]*)"/;

defineParameterType({
  name: 'ip',
  // A dotted quad, or IPv6 text (at least two colons); parseIp checks it and its canonical form.
  regexp: /\d+\.\d+\.\d+\.\d+|[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}/,
  transformer(this: NettwinWorld, text: string): string {
    return this.value(() => parseIp(text));
  },
  useForSnippets: false,
});

defineParameterType({
  name: 'cidr',
  regexp: /\d+\.\d+\.\d+\.\d+\/\d+|[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}\/\d+/,
  transformer(this: NettwinWorld, text: string): string {
    return this.value(() => parseCidr(text));
  },
  useForSnippets: false,
});

defineParameterType({
  name: 'container',
  regexp: QUOTED,
  transformer(this: NettwinWorld, text: string): string {
    const name = this.value(() => parseName(text, 'container'));
    // A compose service (`web`, `web-2`) stands for its container's Docker name.
    return this.names.containers.get(name) ?? name;
  },
  useForSnippets: false,
});

defineParameterType({
  name: 'network',
  regexp: QUOTED,
  transformer(this: NettwinWorld, text: string): string {
    const name = this.value(() => parseName(text, 'network'));
    // A compose network's key stands for its Docker name.
    return this.names.networks.get(name) ?? name;
  },
  useForSnippets: false,
});

defineParameterType({
  name: 'port-mapping',
  regexp: /(?:\d+\.\d+\.\d+\.\d+:)?\d*:?\d+(?:\/[a-z]+)?/,
  transformer(this: NettwinWorld, text: string): PortMapping {
    return this.value(() => parsePortMapping(text));
  },
  useForSnippets: false,
});

defineParameterType({
  name: 'count',
  regexp: /\d+/,
  transformer(this: NettwinWorld, text: string): number {
    return this.value(() => parseCount(text));
  },
  useForSnippets: false,
});

defineParameterType({
  name: 'url',
  regexp: /https?:\/\/\S+/,
  transformer(this: NettwinWorld, text: string): HttpUrl {
    return this.value(() => parseHttpUrl(text));
  },
  useForSnippets: false,
});
