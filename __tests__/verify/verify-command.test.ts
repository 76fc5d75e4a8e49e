import { main } from "../../scripts/verify";

test("prod keeps its state in Terraform Cloud: verify asks for the outputs written by terraform output -json", async () => {
  const written: string[] = [];
  const stderr = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => written.push(String(chunk)) > 0);
  try {
    await main(["prod"]);
    expect(process.exitCode).toBe(2);
  } finally {
    stderr.mockRestore();
    process.exitCode = undefined;
  }
  expect(written).toEqual([
    "verify: Environment prod keeps its state in Terraform Cloud: pass --outputs <file>, written by " +
      "`terraform output -json` in cdktf.out/stacks/prod.\n",
  ]);
});
