// Writes init/10-products.sql and init/20-users.sql: the product catalogue and 3,000 customers
// with delivery coordinates around Bengaluru. Deterministic (seeded PRNG), so re-running it
// reproduces the committed files byte for byte. Run: npx tsx docker/mysql/generate-data.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SEED = 20261125;
const USER_COUNT = 3000;
const ROWS_PER_INSERT = 250;
const BENGALURU = { latMin: 12.85, latMax: 13.1, lonMin: 77.5, lonMax: 77.75 };
const USERS_SINCE = Date.UTC(2024, 0, 1);
const USERS_UNTIL = Date.UTC(2026, 9, 31);

type Category = 'pizzas-veg' | 'pizzas-non-veg' | 'sides' | 'pasta' | 'beverages' | 'desserts';
type CatalogueEntry = [name: string, description: string, price: number];

const catalogue: Record<Category, CatalogueEntry[]> = {
  'pizzas-veg': [
    ['Margherita', 'Classic tomato sauce, fresh mozzarella and basil on a hand-tossed crust', 239],
    ['Farmhouse', 'Onion, capsicum, tomato and mushroom with extra mozzarella', 399],
    ['Peppy Paneer', 'Spiced paneer cubes, crisp capsicum and red paprika', 429],
    ['Veggie Supreme', 'Black olives, onion, capsicum, mushroom, corn and jalapeno', 469],
    ['Paneer Makhani', 'Paneer in a rich makhani sauce with onion and coriander', 449],
    ['Corn and Cheese', 'Sweet golden corn with a double layer of mozzarella', 279],
    ['Mexican Green Wave', 'Onion, capsicum, tomato and jalapeno with Mexican herbs', 419],
    ['Four Cheese', 'Mozzarella, cheddar, parmesan and gouda on a thin crust', 499],
    ['Tandoori Paneer', 'Tandoori-marinated paneer, onion and mint mayo drizzle', 459],
    ['Garden Pesto', 'Basil pesto base with zucchini, cherry tomato and olives', 389],
    ['Spicy Mushroom', 'Sauteed mushroom with chilli flakes and caramelised onion', 349],
    ['Mediterranean Veg', 'Feta, olives, sun-dried tomato and roasted red pepper', 519],
    ['Cheese Burst Veg Loaded', 'Cheese-filled crust topped with every garden vegetable we have', 549],
    ['Double Cheese Margherita', 'Our Margherita with twice the mozzarella', 319],
  ],
  'pizzas-non-veg': [
    ['Pepperoni', 'Chicken pepperoni slices on tomato sauce and mozzarella', 449],
    ['Chicken Dominator', 'Grilled chicken, chicken sausage, peri-peri chicken and chicken tikka', 599],
    ['Chicken Tikka', 'Smoky chicken tikka, onion and capsicum with mint mayo', 479],
    ['BBQ Chicken', 'Barbecue-glazed chicken, red onion and smoked cheddar', 499],
    ['Keema Do Pyaza', 'Spiced mutton keema with double onion and green chilli', 549],
    ['Chicken Sausage', 'Chicken sausage, tomato and oregano on a hand-tossed crust', 349],
    ['Peri Peri Chicken', 'Fiery peri-peri chicken, red paprika and onion', 489],
    ['Butter Chicken', 'Tender chicken in butter masala with coriander', 529],
    ['Prawn Garlic', 'Garlic butter prawns, spring onion and chilli flakes', 599],
    ['Chicken Golden Delight', 'Barbecue chicken with golden corn and extra cheese', 459],
    ['Meat Feast', 'Pepperoni, chicken sausage, grilled chicken and mutton keema', 589],
    ['Chilli Chicken', 'Indo-Chinese chilli chicken with capsicum and spring onion', 469],
    ['Egg and Cheese', 'Boiled egg slices, onion and a double layer of cheese', 329],
  ],
  sides: [
    ['Garlic Breadsticks', 'Oven-baked breadsticks brushed with garlic butter', 109],
    ['Stuffed Garlic Bread', 'Garlic bread stuffed with cheese, corn and jalapeno', 159],
    ['Cheesy Dip', 'A tub of warm cheese dip', 45],
    ['Potato Wedges', 'Crisp seasoned wedges with peri-peri sprinkle', 99],
    ['Chicken Wings', 'Six roasted wings tossed in smoky barbecue sauce', 219],
    ['Paneer Tikka Bites', 'Tandoori paneer cubes with mint dip', 179],
    ['Cheese Jalapeno Poppers', 'Breaded jalapeno and cheese bites', 149],
    ['Chicken Meatballs', 'Baked chicken meatballs in spicy tomato sauce', 199],
    ['Onion Rings', 'Beer-battered onion rings with chipotle mayo', 119],
    ['Taco Mexicana Veg', 'Crunchy taco with spicy bean patty and salsa', 139],
    ['Taco Mexicana Chicken', 'Crunchy taco with grilled chicken and salsa', 169],
    ['Coleslaw', 'Creamy cabbage and carrot slaw', 69],
    ['Caesar Salad', 'Romaine, croutons and parmesan with Caesar dressing', 189],
  ],
  pasta: [
    ['Penne Arrabbiata', 'Penne in a spicy tomato and garlic sauce', 229],
    ['Alfredo Veg', 'Penne in creamy white sauce with broccoli and mushroom', 259],
    ['Alfredo Chicken', 'Penne in creamy white sauce with grilled chicken', 299],
    ['Pink Sauce Pasta', 'Fusilli in a blend of tomato and cream sauce', 249],
    ['Pesto Pasta', 'Spaghetti tossed in basil pesto with cherry tomato', 269],
    ['Spaghetti Bolognese', 'Spaghetti with slow-cooked chicken keema ragu', 319],
    ['Mac and Cheese', 'Macaroni baked in a three-cheese sauce', 239],
    ['Aglio e Olio', 'Spaghetti with garlic, olive oil and chilli flakes', 219],
    ['Tandoori Paneer Pasta', 'Penne in makhani cream with tandoori paneer', 279],
    ['Prawn Linguine', 'Linguine with garlic prawns and lemon butter', 349],
    ['Baked Lasagne Veg', 'Layered pasta with spinach, ricotta and marinara', 309],
    ['Baked Lasagne Chicken', 'Layered pasta with chicken ragu and bechamel', 339],
    ['Chicken Pesto Fusilli', 'Fusilli with pesto, grilled chicken and parmesan', 299],
  ],
  beverages: [
    ['Coca-Cola 500ml', 'Chilled bottle of Coca-Cola', 60],
    ['Sprite 500ml', 'Chilled bottle of Sprite', 60],
    ['Thums Up 500ml', 'Chilled bottle of Thums Up', 60],
    ['Fanta 500ml', 'Chilled bottle of Fanta', 60],
    ['Mineral Water 1L', 'Packaged drinking water', 45],
    ['Masala Lemonade', 'Fresh lime soda with roasted cumin and black salt', 89],
    ['Iced Tea Peach', 'Chilled peach iced tea', 99],
    ['Cold Coffee', 'Blended cold coffee with a scoop of vanilla ice cream', 149],
    ['Mango Lassi', 'Sweet yoghurt drink with Alphonso mango', 119],
    ['Filter Coffee', 'South Indian filter coffee with chicory', 79],
    ['Masala Chai', 'Spiced tea brewed with milk', 69],
    ['Virgin Mojito', 'Mint, lime and soda on crushed ice', 129],
    ['Chocolate Shake', 'Thick chocolate milkshake', 159],
    ['Masala Chaas', 'Spiced buttermilk with ginger and curry leaves', 49],
  ],
  desserts: [
    ['Choco Lava Cake', 'Warm chocolate cake with a molten centre', 119],
    ['Butterscotch Mousse Cake', 'Butterscotch mousse on a sponge base', 139],
    ['Red Velvet Lava Cake', 'Red velvet cake with a cream cheese centre', 149],
    ['Brownie Fantasy', 'Fudgy walnut brownie with chocolate sauce', 129],
    ['Gulab Jamun', 'Two warm gulab jamuns in saffron syrup', 79],
    ['Tiramisu Cup', 'Coffee-soaked sponge layered with mascarpone', 199],
    ['Vanilla Ice Cream Tub', 'Classic vanilla ice cream, 125ml', 89],
    ['Mango Cheesecake', 'Baked cheesecake with mango compote', 189],
    ['Chocolate Chip Cookies', 'Three freshly baked chocolate chip cookies', 99],
    ['Rasmalai', 'Soft cottage cheese dumplings in cardamom milk', 109],
    ['Cinnamon Rolls', 'Baked cinnamon dough twists with sugar glaze', 139],
    ['Kulfi Falooda', 'Malai kulfi with falooda noodles and rose syrup', 159],
    ['Nutella Calzone', 'Folded dough filled with Nutella and banana', 179],
  ],
};

const firstNames = [
  'Aarav', 'Aditi', 'Akash', 'Ananya', 'Arjun', 'Bhavya', 'Chetan', 'Deepa', 'Divya', 'Farhan',
  'Gautam', 'Harini', 'Ishaan', 'Jaya', 'Karthik', 'Kavya', 'Lakshmi', 'Manoj', 'Meera', 'Nikhil',
  'Nisha', 'Pooja', 'Pradeep', 'Priya', 'Rahul', 'Ramesh', 'Rohan', 'Sahana', 'Sanjay', 'Shreya',
  'Siddharth', 'Sneha', 'Suresh', 'Tanvi', 'Usha', 'Varun', 'Vidya', 'Vikram', 'Yash', 'Zoya',
];

const lastNames = [
  'Acharya', 'Bhat', 'Chandra', 'Desai', 'Gowda', 'Hegde', 'Iyer', 'Jain', 'Kamath', 'Khan',
  'Kulkarni', 'Menon', 'Murthy', 'Nair', 'Pai', 'Patil', 'Prasad', 'Rao', 'Reddy', 'Shetty',
  'Sharma', 'Singh', 'Srinivasan', 'Thomas', 'Verma',
];

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function sqlTimestamp(epochMillis: number): string {
  return sqlString(new Date(epochMillis).toISOString().slice(0, 19).replace('T', ' '));
}

function insertStatements(table: string, columns: string[], rows: string[][]): string {
  const statements: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const values = rows.slice(start, start + ROWS_PER_INSERT).map((row) => `  (${row.join(', ')})`);
    statements.push(`INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES\n${values.join(',\n')};\n`);
  }
  return statements.join('\n');
}

function sqlFile(purpose: string, body: string): string {
  return `-- ${purpose}\n-- Generated by docker/mysql/generate-data.ts; edit that script, not this file.\n-- Explicit ids with INSERT IGNORE: running this file again changes nothing.\n\nUSE pizzashop;\n\n${body}`;
}

function productRows(): string[][] {
  const rows: string[][] = [];
  for (const [category, entries] of Object.entries(catalogue)) {
    for (const [name, description, price] of entries) {
      const id = rows.length + 1;
      rows.push([
        String(id),
        sqlString(name),
        sqlString(description),
        sqlString(category),
        String(price),
        sqlString(`/images/products/${id}.jpg`),
      ]);
    }
  }
  return rows;
}

function userRows(random: () => number): string[][] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (min: number, max: number): number => min + random() * (max - min);
  const rows: string[][] = [];
  for (let id = 1; id <= USER_COUNT; id += 1) {
    const firstName = pick(firstNames);
    const lastName = pick(lastNames);
    const email = `${firstName}.${lastName}.${id}@example.com`.toLowerCase();
    const lat = between(BENGALURU.latMin, BENGALURU.latMax).toFixed(6);
    const lon = between(BENGALURU.lonMin, BENGALURU.lonMax).toFixed(6);
    const createdAt = Math.floor(between(USERS_SINCE, USERS_UNTIL) / 1000) * 1000;
    rows.push([
      String(id),
      sqlString(firstName),
      sqlString(lastName),
      sqlString(email),
      lat,
      lon,
      sqlTimestamp(createdAt),
    ]);
  }
  return rows;
}

const initDir = join(dirname(fileURLToPath(import.meta.url)), 'init');
const products = productRows();
const users = userRows(mulberry32(SEED));

writeFileSync(
  join(initDir, '10-products.sql'),
  sqlFile(
    `Product catalogue: ${products.length} products in ${Object.keys(catalogue).length} categories, prices in rupees.`,
    insertStatements('products', ['id', 'name', 'description', 'category', 'price', 'image'], products),
  ),
);
writeFileSync(
  join(initDir, '20-users.sql'),
  sqlFile(
    `Customers: ${users.length} users with delivery coordinates around Bengaluru.`,
    insertStatements('users', ['id', 'first_name', 'last_name', 'email', 'lat', 'lon', 'created_at'], users),
  ),
);
console.log(`generate-data: wrote ${products.length} products and ${users.length} users to ${initDir}`);
