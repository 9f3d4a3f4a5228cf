// The API reference page: reads /api/openapi.json (same origin, no CDN) and renders every route
// with its scope, parameters, request body and answers, then the schemas (Error among them).
// Plain JS (h() from dom.js); everything from the document goes into the page as text.
'use strict';

// Text with `code` spans, as the document's descriptions write them.
function prose(text) {
  if (!text) return [];
  return String(text).split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

const REF_PREFIX = '#/components/';

// The component a "$ref" names: [kind, name] ("schemas", "Error").
function refParts(ref) {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length).split('/') : ['', ref];
}

function resolve(doc, item) {
  if (!item || !item.$ref) return item;
  const [kind, name] = refParts(item.$ref);
  return (doc.components[kind] || {})[name] || {};
}

function anchor(method, path) {
  return 'op-' + method + '-' + path.replace(/[^a-zA-Z0-9]+/g, '-');
}

// "read", "admin", "public" or the scheme names of a route's security requirements.
function scopeOf(op) {
  const security = op.security || [];
  if (security.length === 0) return { label: 'public', cls: 'public' };
  const roles = new Set();
  const schemes = [];
  for (const requirement of security)
    for (const [scheme, list] of Object.entries(requirement)) {
      schemes.push(scheme);
      for (const role of list) roles.add(role);
    }
  if (roles.size) return { label: 'scope: ' + [...roles].join(', '), cls: '' };
  return { label: 'auth: ' + schemes.join(', '), cls: '' };
}

// A schema as a short type ("string", "array of Incident", "Error") with links to schemas.
function typeOf(schema) {
  if (!schema) return 'any';
  if (schema.$ref) {
    const name = refParts(schema.$ref)[1];
    return h('a', { href: '#schema-' + name }, name);
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const choices = schema.oneOf || schema.anyOf;
  if (choices) return joinNodes(choices.map(typeOf), ' or ');
  if (schema.allOf && !schema.properties) return joinNodes(schema.allOf.map(typeOf), ' and ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type || 'any';
  if (schema.type === 'array') return ['array of ', typeOf(schema.items)];
  return type + (schema.format ? ' (' + schema.format + ')' : '');
}

function joinNodes(nodes, separator) {
  return nodes.flatMap((n, i) => (i ? [separator, n] : [n]));
}

// Whether a schema has fields worth listing beneath its one-line type.
function hasStructure(s) {
  return !!s && !s.$ref && !!(s.properties || s.oneOf || s.anyOf || s.allOf ||
    (s.additionalProperties && typeof s.additionalProperties === 'object') ||
    (s.type === 'array' && hasStructure(s.items)));
}

// A schema's fields, nested: objects list their properties, arrays their items, and
// choices each alternative. References stay links (the schemas are listed at the end).
function schemaTree(schema, depth = 0) {
  if (!schema || schema.$ref || depth > 6) return null;
  const list = h('ul', { class: 'schema' });
  for (const base of schema.allOf || [])
    list.append(h('li', {}, 'everything in ', typeOf(base), schemaTree(base, depth + 1)));
  for (const alt of schema.oneOf || schema.anyOf || [])
    if (hasStructure(alt)) list.append(h('li', {}, 'or ', h('span', { class: 'type' }, typeOf(alt)), schemaTree(alt, depth + 1)));
  const required = new Set(schema.required || []);
  for (const [name, prop] of Object.entries(schema.properties || {}))
    list.append(h('li', {},
      h('code', {}, name), ' ', h('span', { class: 'type' }, typeOf(prop)),
      required.has(name) ? h('span', { class: 'req' }, ' required') : null,
      prop.description ? [' — ', ...prose(prop.description)] : null,
      schemaTree(prop, depth + 1)));
  if (schema.type === 'array' && hasStructure(schema.items))
    list.append(h('li', {}, 'each: ', h('span', { class: 'type' }, typeOf(schema.items)), schemaTree(schema.items, depth + 1)));
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object')
    list.append(h('li', {}, 'any other key: ', h('span', { class: 'type' }, typeOf(extra)), schemaTree(extra, depth + 1)));
  return list.childNodes.length ? list : null;
}

function bodyBlock(doc, body) {
  const content = (body && body.content) || {};
  return Object.entries(content).map(([type, media]) =>
    h('div', {}, h('code', {}, type), ': ', h('span', { class: 'type' }, typeOf(media.schema)), schemaTree(media.schema)));
}

function parametersTable(doc, params) {
  if (!params || !params.length) return null;
  return h('table', {},
    h('tr', {}, h('th', {}, 'parameter'), h('th', {}, 'in'), h('th', {}, 'type'), h('th', {}, 'meaning')),
    params.map((p) => resolve(doc, p)).map((p) =>
      h('tr', {}, h('td', {}, h('code', {}, p.name), p.required ? h('span', { class: 'req' }, ' required') : null),
        h('td', {}, p.in),
        h('td', { class: 'type' }, typeOf(p.schema), p.schema && p.schema.default !== undefined ? ', default ' + p.schema.default : ''),
        h('td', {}, prose(p.description || (p.schema && p.schema.description))))));
}

function responsesTable(doc, responses) {
  return h('table', {},
    h('tr', {}, h('th', {}, 'answer'), h('th', {}, 'meaning'), h('th', {}, 'body')),
    Object.entries(responses || {}).map(([code, response]) => {
      const r = resolve(doc, response);
      return h('tr', { 'data-status': code }, h('td', {}, h('strong', {}, code)), h('td', {}, prose(r.description)),
        h('td', {}, bodyBlock(doc, r)));
    }));
}

function operationCard(doc, method, path, op) {
  const scope = scopeOf(op);
  return h('section', { class: 'card op', id: anchor(method, path), 'data-route': method.toUpperCase() + ' ' + path },
    h('h3', {}, h('span', { class: 'method ' + method }, method.toUpperCase()), h('code', {}, path),
      h('span', { class: 'scope ' + scope.cls }, scope.label)),
    h('p', {}, h('strong', {}, op.summary || '')),
    op.description ? h('p', {}, prose(op.description)) : null,
    parametersTable(doc, [...(doc.paths[path].parameters || []), ...(op.parameters || [])]),
    op.requestBody ? h('div', {}, h('h4', {}, 'Request body'), bodyBlock(doc, resolve(doc, op.requestBody))) : null,
    h('h4', {}, 'Answers'), responsesTable(doc, op.responses));
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function render(doc) {
  const main = document.getElementById('main');
  const operations = [];
  for (const [path, item] of Object.entries(doc.paths || {}))
    for (const method of METHODS) if (item[method]) operations.push({ method, path, op: item[method] });
  const tags = (doc.tags || []).map((t) => t.name);
  const byTag = (tag) => operations.filter((o) => (o.op.tags || ['other'])[0] === tag);
  for (const o of operations) if (!tags.includes((o.op.tags || ['other'])[0])) tags.push((o.op.tags || ['other'])[0]);

  document.title = doc.info.title;
  main.replaceChildren(
    h('h1', {}, doc.info.title, ' ', h('span', { class: 'muted' }, 'v' + doc.info.version, ' · OpenAPI ', doc.openapi)),
    h('p', {}, prose(doc.info.description)),
    h('h2', {}, 'Routes (' + operations.length + ')'),
    h('ul', { class: 'toc', id: 'routes' }, operations.map(({ method, path, op }) =>
      h('li', {}, h('span', { class: 'method ' + method }, method.toUpperCase()), ' ',
        h('a', { href: '#' + anchor(method, path) }, path), ' ', h('span', { class: 'scope ' + scopeOf(op).cls }, scopeOf(op).label)))),
    h('div', { class: 'docs' },
      tags.map((tag) => {
        const ops = byTag(tag);
        if (!ops.length) return null;
        const about = (doc.tags || []).find((t) => t.name === tag);
        return h('div', {}, h('h2', {}, tag), about ? h('p', { class: 'muted' }, prose(about.description)) : null,
          ops.map(({ method, path, op }) => operationCard(doc, method, path, op)));
      }),
      h('h2', { id: 'schemas' }, 'Schemas'),
      Object.entries(doc.components.schemas || {}).map(([name, schema]) =>
        h('section', { class: 'card op', id: 'schema-' + name },
          h('h3', {}, h('code', {}, name), h('span', { class: 'type' }, typeOf(schema))),
          schema.description ? h('p', {}, prose(schema.description)) : null, schemaTree(schema))),
      h('h2', {}, 'Authentication'),
      Object.entries(doc.components.securitySchemes || {}).map(([name, scheme]) =>
        h('p', {}, h('code', {}, name), ' (', scheme.type, scheme.scheme ? ' ' + scheme.scheme : '',
          scheme.name ? ' ' + scheme.in + ' ' + scheme.name : '', '): ', prose(scheme.description)))));
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

fetch('/api/openapi.json', { credentials: 'omit' })
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status))))
  .then(render)
  .catch((e) => {
    document.getElementById('main').replaceChildren(
      h('p', { class: 'error' }, 'Could not read /api/openapi.json: ' + e.message));
  });
