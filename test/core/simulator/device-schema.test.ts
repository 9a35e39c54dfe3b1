import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DEVICE_FILE_SCHEMA, POINT_TYPES } from '../../../core/simulator/device-schema.ts'
import { UNKNOWN_UNIT_EXCEPTIONS } from '../../../core/datastore/index.ts'

const test = suite('device-file JSON Schema')
const FILE = new URL('../../../core/simulator/device-file.schema.json', import.meta.url)

test('core/simulator/device-file.schema.json is the schema module written out', () => {
  const onDisk = JSON.parse(readFileSync(FILE, 'utf8'))
  assert.equal(onDisk, JSON.parse(JSON.stringify(DEVICE_FILE_SCHEMA)), 'regenerate: npx tsx -e "import(\'./core/simulator/device-schema.ts\').then((m) => require(\'fs\').writeFileSync(\'core/simulator/device-file.schema.json\', JSON.stringify(m.DEVICE_FILE_SCHEMA, null, 2) + \'\\n\'))"')
})

test('it is a valid draft 2020-12 schema (checked against the meta-schema by Ajv in strict mode)', () => {
  const require = createRequire(import.meta.url)
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true })
  assert.is(DEVICE_FILE_SCHEMA.$schema, 'https://json-schema.org/draft/2020-12/schema')
  assert.ok(ajv.validateSchema(DEVICE_FILE_SCHEMA as object), JSON.stringify(ajv.errors))
  ajv.compile(DEVICE_FILE_SCHEMA as object)
})

test('its lists follow the code: unknown-unit policies and point types', () => {
  assert.equal(DEVICE_FILE_SCHEMA.properties.unknownUnit.enum, Object.keys(UNKNOWN_UNIT_EXCEPTIONS))
  assert.equal(DEVICE_FILE_SCHEMA.$defs.point.properties.type.enum, [...POINT_TYPES])
})

test.run()
