import { allElements, checkXmlShape, hasCommentOrPi, parseXmlStrict } from './saml-xml';
import { SamlErrorCode, SamlException } from './saml.exception';

const nested = (levels: number, inner = '') => `${'<a>'.repeat(levels)}${inner}${'</a>'.repeat(levels)}`;

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof SamlException ? error.code : `unexpected: ${(error as Error).name}`;
  }
}

describe('attacker XML bounds', () => {
  it.each([[65], [28_000], [100_000]])('refuses %i levels as XML_TOO_DEEP', (levels) => {
    expect(codeOf(() => parseXmlStrict(nested(levels)))).toBe(SamlErrorCode.XML_TOO_DEEP);
  });

  it('accepts 64 levels', () => {
    expect(codeOf(() => parseXmlStrict(nested(64)))).toBeNull();
  });

  it('refuses more than 10,000 elements as XML_TOO_LARGE, however flat', () => {
    expect(codeOf(() => parseXmlStrict(`<r>${'<a/>'.repeat(10_000)}</r>`))).toBe(SamlErrorCode.XML_TOO_LARGE);
    expect(codeOf(() => parseXmlStrict(`<r>${'<a/>'.repeat(9_999)}</r>`))).toBeNull();
  });

  it('walks trees deeper than the stack would allow without recursion', () => {
    // Parsed without the limits, as only a caller of ours could: the walks themselves must hold.
    const doc = parseXmlStrict(nested(100_000, '<!--c-->'), { maxDepth: Infinity, maxElements: Infinity });
    expect(hasCommentOrPi(doc.documentElement)).toBe(true);
    expect(allElements(doc.documentElement)).toHaveLength(99_999);
    expect(() => checkXmlShape(doc, { maxDepth: 100_000, maxElements: 100_000 })).not.toThrow();
  });

  it('keeps document order in allElements', () => {
    const doc = parseXmlStrict('<r><a><b/></a><c/></r>');
    expect(allElements(doc.documentElement).map((e) => e.localName)).toEqual(['a', 'b', 'c']);
  });
});
