/** esbuild's dataurl loader turns an imported SVG into its data: URL. */
declare module '*.svg' {
  const dataUrl: string;
  export default dataUrl;
}
