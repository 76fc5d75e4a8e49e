/**
 * Connects as the secret's current user and prints the user the database sees:
 * `npm start` runs it as an ES module, `npm run start:commonjs` as CommonJS.
 */
import { connect } from "./database.js";

async function main(): Promise<void> {
  const connection = await connect();
  try {
    const [rows] = await connection.query("SELECT CURRENT_USER() AS user");
    console.log(JSON.stringify(rows));
  } finally {
    await connection.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
