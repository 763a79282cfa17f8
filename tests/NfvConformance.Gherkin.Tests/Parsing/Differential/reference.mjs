// Licensed under the Apache License, Version 2.0.
// Prints cucumber's pickles / parse errors (NDJSON) for each file given, one fresh id generator per file.
import { generateMessages } from '@cucumber/gherkin'
import { IdGenerator, SourceMediaType } from '@cucumber/messages'
import fs from 'node:fs'
const out = []
for (const file of process.argv.slice(2)) {
  const data = fs.readFileSync(file, 'utf8')
  const md = file.endsWith('.md')
  const envs = generateMessages(data, file, md ? SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_MARKDOWN : SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_PLAIN,
    { includeSource: false, includeGherkinDocument: false, includePickles: true, newId: IdGenerator.incrementing() })
  for (const e of envs) out.push(JSON.stringify(e))
}
process.stdout.write(out.join('\n') + '\n')
