import { describe, expect, test } from 'bun:test'
import { csvCell, csvLine } from './csv.ts'

describe('csv', () => {
  test('quotes what needs quoting', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', null, 3, true])).toBe(
      'a,"b,c","say ""hi""","two\nlines",,3,true\r\n',
    )
  })
  test('defuses spreadsheet formulas in text, not in numbers', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-cmd')).toBe("'-cmd")
    expect(csvCell('@sum')).toBe("'@sum")
    expect(csvCell('\tx')).toBe("'\tx")
    expect(csvCell(-3)).toBe('-3')
  })
})
