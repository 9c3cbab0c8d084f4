/** Placeholder until the host dashboard lands: the host helper replaces this file. */
export default function AdminApp() {
  return <main><h1>barback host</h1></main>;
}
