/* placeholder: implementation pending */
typedef int h2c_placeholder_huffman;
