// Testing Library unmounts after each test only where vitest exposes globals; do it here.
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(cleanup);
