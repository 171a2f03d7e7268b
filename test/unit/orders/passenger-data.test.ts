import { PassengerData, PassengerDataNotReadyError, type PassengerKeySource, SealedIdError, maskId } from '../../../lib/orders/passenger-data';

const ID_NUMBER = '110101199003070011';

/** A key source that counts its calls, as KMS would bill them. */
function countingSource() {
  let generated = 0;
  const calls = { generate: 0, unwrap: 0, hashKey: 0 };
  const keys = new Map<string, Buffer>();
  const source: PassengerKeySource = {
    hashKey: async () => {
      calls.hashKey++;
      return Buffer.from('k'.repeat(32));
    },
    generate: async () => {
      calls.generate++;
      const wrapped = `wrapped-${++generated}`;
      const plaintext = Buffer.alloc(32, generated);
      keys.set(wrapped, plaintext);
      return { wrapped, plaintext };
    },
    unwrap: async (wrapped) => {
      calls.unwrap++;
      const key = keys.get(wrapped);
      if (!key) throw new Error(`unknown key ${wrapped}`);
      return key;
    },
  };
  return { source, calls };
}

describe('Class: PassengerData', () => {
  describe('Method: seal and open', () => {
    it('seals an ID number so that it does not appear, and opens it again for the same order and position only', async () => {
      // Prepare
      const data = new PassengerData(countingSource().source);
      await data.ready();

      // Act
      const sealed = data.seal(ID_NUMBER, 'order o-1 passenger 0');

      // Assess
      expect(JSON.stringify(sealed)).not.toContain(ID_NUMBER);
      expect(sealed.key).toBe('wrapped-1');
      await expect(data.open(sealed, 'order o-1 passenger 0')).resolves.toBe(ID_NUMBER);
      await expect(data.open(sealed, 'order o-2 passenger 0')).rejects.toThrow(SealedIdError);
    });

    it('refuses a ciphertext changed by one bit', async () => {
      // Prepare
      const data = new PassengerData(countingSource().source);
      await data.ready();
      const sealed = data.seal(ID_NUMBER, 'c');
      const bytes = Buffer.from(sealed.data, 'base64');
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;

      // Act, Assess
      await expect(data.open({ ...sealed, data: bytes.toString('base64') }, 'c')).rejects.toThrow(SealedIdError);
    });

    it('cannot seal or hash before ready()', () => {
      const data = new PassengerData(countingSource().source);

      expect(() => data.seal(ID_NUMBER, 'c')).toThrow(PassengerDataNotReadyError);
      expect(() => data.hashKey()).toThrow(PassengerDataNotReadyError);
    });
  });

  describe('Method: ready', () => {
    it('asks the key source once per data key, not once per order: one GenerateDataKey for many seals', async () => {
      // Prepare
      const { source, calls } = countingSource();
      const data = new PassengerData(source);

      // Act
      for (let i = 0; i < 100; i++) {
        await data.ready();
        data.seal(ID_NUMBER, `order ${i}`);
      }

      // Assess
      expect(calls).toEqual({ generate: 1, unwrap: 0, hashKey: 1 });
    });

    it('replaces the data key after its time or its number of seals, and still opens what the old one sealed', async () => {
      // Prepare
      let now = 0;
      const { source, calls } = countingSource();
      const data = new PassengerData(source, { maxKeyAgeMs: 60_000, maxKeyUses: 3, now: () => now });
      await data.ready();
      const first = [data.seal(ID_NUMBER, 'a'), data.seal(ID_NUMBER, 'b'), data.seal(ID_NUMBER, 'c')];

      // Act
      await data.ready();
      const afterUses = data.seal(ID_NUMBER, 'd');
      now = 60_000;
      await data.ready();
      const afterTime = data.seal(ID_NUMBER, 'e');

      // Assess
      expect(first.map((s) => s.key)).toEqual(['wrapped-1', 'wrapped-1', 'wrapped-1']);
      expect([afterUses.key, afterTime.key]).toEqual(['wrapped-2', 'wrapped-3']);
      expect(calls.generate).toBe(3);
      await expect(data.open(first[0]!, 'a')).resolves.toBe(ID_NUMBER);
      expect(calls.unwrap).toBe(0);
    });

    it('unwraps a key another environment made once, then from its cache', async () => {
      // Prepare
      const { source, calls } = countingSource();
      const writer = new PassengerData(source);
      await writer.ready();
      const sealed = writer.seal(ID_NUMBER, 'a');
      const reader = new PassengerData(source);

      // Act
      await reader.open(sealed, 'a');
      await reader.open(sealed, 'a');

      // Assess
      expect(calls.unwrap).toBe(1);
    });

    it('does not keep a failed load: the next ready() tries again', async () => {
      // Prepare
      const { source } = countingSource();
      let failing = true;
      const flaky: PassengerKeySource = { ...source, generate: () => (failing ? Promise.reject(new Error('KMS throttled')) : source.generate()) };
      const data = new PassengerData(flaky);
      await expect(data.ready()).rejects.toThrow('KMS throttled');
      failing = false;

      // Act, Assess
      await expect(data.ready()).resolves.toBeUndefined();
    });
  });
});

describe('Function: maskId', () => {
  it('keeps the region and the last four characters', () => {
    expect(maskId('11010519491231002X')).toBe('110105********002X');
  });
});
