/**
 * Splits a REPL line into words the way a shell does for the simple cases: whitespace separates,
 * single quotes keep everything literally, double quotes keep spaces and honour \" and \\, and a
 * backslash outside quotes escapes the next character.
 */
import { ArgumentError } from '../core/errors.ts'

/** The words of `line`; an unclosed quote is an ArgumentError. */
export function splitWords(line: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c === "'") {
      const end = line.indexOf("'", i + 1)
      if (end < 0) throw new ArgumentError('unclosed single quote')
      word += line.slice(i + 1, end)
      inWord = true
      i = end
    } else if (c === '"') {
      let j = i + 1
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) j++
        word += line[j]
      }
      if (j >= line.length) throw new ArgumentError('unclosed double quote')
      inWord = true
      i = j
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i]
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += c
      inWord = true
    }
  }
  if (inWord) words.push(word)
  return words
}
