/** Types for the npm package seek-bzip (pure-JavaScript bzip2 decoder), which ships none. */
declare module 'seek-bzip' {
  const Bunzip: {
    /** Decodes a whole bzip2 stream (all concatenated streams when multistream is true). */
    decode(input: Uint8Array, output?: Uint8Array, multistream?: boolean): Buffer;
  };
  export default Bunzip;
}
