import { describe, expect, test } from 'bun:test'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import forge from 'node-forge'
import {
  certificateToPem,
  derToPem,
  generateRsaKeyPair,
  randomSerialHex,
  signCertificate,
} from './x509.ts'

describe('randomSerialHex', () => {
  test('is 16 bytes with a positive, minimal leading byte', () => {
    const serials = new Set<string>()
    for (let i = 0; i < 500; i++) {
      const serial = randomSerialHex()
      expect(serial).toMatch(/^[0-9a-f]{32}$/)
      const first = Number.parseInt(serial.slice(0, 2), 16)
      expect(first).toBeGreaterThanOrEqual(1)
      expect(first).toBeLessThanOrEqual(0x7f)
      serials.add(serial)
    }
    expect(serials.size).toBe(500)
  })
})

describe('signCertificate', () => {
  test('produces a certificate that verifies natively and with forge', async () => {
    const { privateKeyPem, publicKeyPem } = await generateRsaKeyPair()
    const cert = forge.pki.createCertificate()
    cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem)
    cert.serialNumber = randomSerialHex()
    cert.validity.notBefore = new Date('2026-01-01T00:00:00Z')
    cert.validity.notAfter = new Date('2027-01-01T00:00:00Z')
    cert.setSubject([{ name: 'commonName', value: 'self' }])
    cert.setIssuer([{ name: 'commonName', value: 'self' }])
    signCertificate(cert, createPrivateKey(privateKeyPem))

    const pem = certificateToPem(cert)
    const x509 = new X509Certificate(pem)
    expect(x509.verify(x509.publicKey)).toBe(true)
    const reparsed = forge.pki.certificateFromPem(pem)
    expect(reparsed.verify(reparsed)).toBe(true)
    expect(reparsed.siginfo.algorithmOid).toBe('1.2.840.113549.1.1.11')
    expect(derToPem(x509.raw)).toBe(pem)
  })
})
