/**
 * The Espruino compatibility gate: parses a built bundle and lists every construct and global
 * that the Espruino 2v29 interpreter rejects or lacks.
 * It reads the bundle, not the sources, because the bundler decides what reaches the chip.
 */
import { parse } from 'acorn';
import { fullAncestor } from 'acorn-walk';

export interface Violation {
  line: number;
  column: number;
  construct: string;
}

interface Node {
  type: string;
  start: number;
  end: number;
  loc?: { start: { line: number; column: number } };
  [key: string]: unknown;
}

const FORBIDDEN_GLOBALS = new Set([
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Symbol',
  'Proxy',
  'Reflect',
  'BigInt',
]);

const FORBIDDEN_MEMBERS = new Set([
  'Promise.race',
  'Promise.allSettled',
  'Promise.any',
  'Number.isInteger',
  'Math.trunc',
  'Array.from',
  // Not seen failing on the chip, but newer than anything Espruino 2v29 is known to have.
  'Object.hasOwn',
  'Object.fromEntries',
]);

/** Methods Espruino lacks whatever object they are called on. */
const FORBIDDEN_METHODS = new Map([
  ['finally', 'Promise.finally'],
  ['flat', 'Array.prototype.flat'],
  ['flatMap', 'Array.prototype.flatMap'],
]);

const LOGICAL_ASSIGNMENT = ['||=', '&&=', '??='];

function declaredNames(program: Node): Set<string> {
  const names = new Set<string>();
  const add = (id: unknown) => {
    const node = id as Node | null;
    if (node && node.type === 'Identifier') names.add(node.name as string);
  };
  fullAncestor(program as never, (raw) => {
    const node = raw as unknown as Node;
    if (node.type === 'VariableDeclarator') add(node.id);
    if (node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') add(node.id);
    if (node.type.includes('Function')) for (const param of node.params as unknown[]) add(param);
    if (node.type === 'CatchClause') add(node.param);
  });
  return names;
}

function memberName(node: Node): string | null {
  if (node.type !== 'MemberExpression' || node.computed) return null;
  const object = node.object as Node;
  const property = node.property as Node;
  if (object.type !== 'Identifier' || property.type !== 'Identifier') return null;
  return `${object.name}.${property.name}`;
}

/** acorn-walk does not visit PrivateIdentifier nodes, so their holders are checked. */
function isPrivate(node: unknown): boolean {
  return (node as Node | null)?.type === 'PrivateIdentifier';
}

function isReference(node: Node, parent: Node | undefined): boolean {
  if (!parent) return true;
  if (parent.type === 'MemberExpression' && parent.property === node && !parent.computed) {
    return false;
  }
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition') && parent.key === node) {
    return Boolean(parent.computed);
  }
  return true;
}

/** Every construct in the source that Espruino cannot run, in source order. */
export function findEspruinoViolations(source: string): Violation[] {
  let program: Node;
  try {
    program = parse(source, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      locations: true,
    }) as never;
  } catch (error) {
    const where = (error as { loc?: { line: number; column: number } }).loc;
    return [
      {
        line: where?.line ?? 0,
        column: where?.column ?? 0,
        construct: `unparseable: ${(error as Error).message}`,
      },
    ];
  }
  const declared = declaredNames(program);
  const found: Violation[] = [];
  const flag = (node: Node, construct: string) => {
    const start = node.loc?.start ?? { line: 0, column: 0 };
    found.push({ line: start.line, column: start.column, construct });
  };

  fullAncestor(program as never, (raw, _state, ancestors) => {
    const node = raw as unknown as Node;
    const parent = ancestors[ancestors.length - 2] as unknown as Node | undefined;
    switch (node.type) {
      case 'ObjectPattern':
      case 'ArrayPattern':
        flag(node, 'destructuring');
        break;
      case 'AssignmentPattern':
        flag(node, 'default parameter or default value');
        break;
      case 'RestElement':
        flag(node, 'rest element (...)');
        break;
      case 'SpreadElement':
        flag(node, 'spread (...)');
        break;
      case 'AwaitExpression':
        flag(node, 'await');
        break;
      case 'YieldExpression':
        flag(node, 'yield');
        break;
      case 'ChainExpression':
        flag(node, 'optional chaining (?.)');
        break;
      case 'LabeledStatement':
        flag(node, 'label');
        break;
      case 'TaggedTemplateExpression':
        flag(node, 'tagged template');
        break;
      case 'PropertyDefinition':
        flag(node, isPrivate(node.key) ? 'private #field' : 'class field');
        break;
      case 'BinaryExpression':
        if (node.operator === '**') flag(node, 'exponent operator (**)');
        break;
      case 'AssignmentExpression':
        if (node.operator === '**=') flag(node, 'exponent operator (**=)');
        if (LOGICAL_ASSIGNMENT.includes(node.operator as string)) {
          flag(node, `logical assignment (${node.operator})`);
        }
        break;
      case 'Property':
        if (node.computed && parent?.type === 'ObjectExpression') flag(node, 'computed key');
        break;
      case 'MethodDefinition':
        if (node.computed) flag(node, 'computed key');
        if (isPrivate(node.key)) flag(node, 'private #method');
        break;
      case 'Literal':
        if (typeof node.bigint === 'string') flag(node, 'BigInt literal');
        if (node.regex) {
          const pattern = (node.regex as { pattern: string }).pattern;
          if (/\(\?<?[=!]/.test(pattern)) flag(node, 'regex lookahead/lookbehind');
        }
        break;
      case 'ClassDeclaration':
      case 'ClassExpression': {
        const superClass = node.superClass as Node | null;
        if (superClass?.type === 'Identifier' && /Error$/.test(superClass.name as string)) {
          flag(node, `class extends ${superClass.name}`);
        }
        break;
      }
      case 'Identifier': {
        const name = node.name as string;
        if (FORBIDDEN_GLOBALS.has(name) && !declared.has(name) && isReference(node, parent)) {
          flag(node, name);
        }
        break;
      }
      case 'MemberExpression': {
        const name = memberName(node);
        if (name && FORBIDDEN_MEMBERS.has(name)) flag(node, name);
        const property = node.property as Node;
        if (isPrivate(property)) flag(node, 'private #field');
        if (!node.computed && property.type === 'Identifier') {
          const method = FORBIDDEN_METHODS.get(property.name as string);
          if (method) flag(node, method);
        }
        break;
      }
      case 'CallExpression': {
        const callee = memberName(node.callee as Node);
        const args = node.arguments as Node[];
        const second = args[1];
        const passesFunction =
          second !== undefined &&
          !(second.type === 'Literal' && second.value === null) &&
          !(second.type === 'Identifier' && second.name === 'undefined');
        if (callee === 'JSON.parse' && passesFunction) flag(node, 'JSON.parse reviver');
        if (callee === 'JSON.stringify' && passesFunction) flag(node, 'JSON.stringify replacer');
        break;
      }
    }
    if (node.type.includes('Function')) {
      if (node.async) flag(node, 'async function');
      if (node.generator) flag(node, 'generator');
    }
  });
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}
